package jp.enclave.checker.rules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jp.enclave.checker.Detail;
import jp.enclave.checker.table.StatTable;

/**
 * The (n,k) rule and the p% rule on magnitude cells (sums and means), judged on per-person
 * contributions. Needs the contributions: from provenance; without them the cell goes to review.
 * Only n = 2 is computable from the two largest contributions kept per cell; larger n is refused
 * at construction so a configuration cannot silently check less than it claims.
 */
public final class DominanceCheck implements TableCheck {
  @Override
  public String rule() { return Rule.NK_RULE; }

  @Override
  public void check(StatTable t, CellFacts facts, RuleSet rules, List<Finding> out) {
    if (rules.nkN > 2) {
      throw new IllegalArgumentException("dominance.nk_n above 2 is not supported: the recomputation keeps the 2 largest contributions");
    }
    boolean unknownReported = false;
    for (int m = 0; m < t.measures(); m++) {
      if (!t.kind(m).dominanceApplies()) {
        continue;
      }
      for (int r = 0; r < t.rows(); r++) {
        int id = t.cellId(r, m);
        int col = t.measureColumn(m);
        double total = facts.total(id);
        double x1 = facts.top1(id);
        if (Double.isNaN(t.value(r, m))) {
          continue;
        }
        if (Double.isNaN(total) || Double.isNaN(x1)) {
          if (!unknownReported) {
            out.add(Finding.item(Rule.CONTRIBUTORS_UNKNOWN, Status.REVIEW,
                Detail.of("dominance.contributorsUnknown", t.measureName(m))));
            unknownReported = true;
          }
          continue;
        }
        double x2 = Double.isNaN(facts.top2(id)) ? 0 : facts.top2(id);
        if (x1 < 0 || x2 < 0 || total < 0) {
          continue; // negatives are flagged by CellValueCheck; dominance is undefined for them
        }
        double topN = rules.nkN == 1 ? x1 : x1 + x2;
        Map<String, Object> nums = new LinkedHashMap<>();
        nums.put("total", total);
        nums.put("largest", x1);
        nums.put("second", x2);
        // ACRO's boundary (sdcchecks.check_nk_dominance): top_n_sum / sum >= safe_nk_k fails.
        if (total > 0 && topN / total >= rules.nkK) {
          Map<String, Object> n = new LinkedHashMap<>(nums);
          n.put("share_of_top_" + rules.nkN, topN / total);
          n.put("k", rules.nkK);
          out.add(Finding.cell(Rule.NK_RULE, Status.FAIL, r, col,
              Detail.of("dominance.nk", rules.nkN, String.format(java.util.Locale.ROOT, "%.1f", 100 * topN / total),
                  String.format(java.util.Locale.ROOT, "%.0f", 100 * rules.nkK)), n));
        }
        // ACRO's boundary (check_ppercent_dominance): (sum - top1 - top2) / top1 < safe_pratio_p fails.
        double rest = total - x1 - x2;
        if (x1 > 0 && rest / x1 < rules.pRatio) {
          Map<String, Object> n = new LinkedHashMap<>(nums);
          n.put("rest", rest);
          n.put("p", rules.pRatio);
          out.add(Finding.cell(Rule.P_RATIO, Status.FAIL, r, col,
              Detail.of("dominance.pRatio", ThresholdCheck.fmt(rest), String.format(java.util.Locale.ROOT, "%.0f", 100 * rules.pRatio),
                  ThresholdCheck.fmt(x1)), n));
        }
      }
    }
  }
}
