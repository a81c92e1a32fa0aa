package jp.enclave.checker.rules;

import java.util.List;
import java.util.Map;
import jp.enclave.checker.Detail;
import jp.enclave.checker.table.MeasureKind;
import jp.enclave.checker.table.StatTable;

/**
 * Minimums, maximums, medians and percentiles that are one person's own value. With provenance
 * the holders of the value are counted; without it a min or max fails (it is an observed value by
 * construction) and a median or percentile goes to review.
 */
public final class ExtremeValueCheck implements TableCheck {
  @Override
  public String rule() { return Rule.EXTREME; }

  @Override
  public void check(StatTable t, CellFacts facts, RuleSet rules, List<Finding> out) {
    for (int m = 0; m < t.measures(); m++) {
      MeasureKind k = t.kind(m);
      if (!k.isOrderStatistic()) {
        continue;
      }
      for (int r = 0; r < t.rows(); r++) {
        if (Double.isNaN(t.value(r, m))) {
          continue;
        }
        int id = t.cellId(r, m);
        int col = t.measureColumn(m);
        double holders = facts.holders(id);
        Detail what = Detail.of("measure." + k.name().toLowerCase(java.util.Locale.ROOT));
        if (!Double.isNaN(holders)) {
          if (holders >= 1 && holders < rules.extremeMinHolders) {
            out.add(Finding.cell(rule(), Status.FAIL, r, col,
                Detail.of("extreme.fewHolders", what, ThresholdCheck.fmt(t.value(r, m)), ThresholdCheck.fmt(holders),
                    rules.extremeMinHolders),
                Map.of("holders", holders, "min_holders", rules.extremeMinHolders)));
          }
        } else if (k == MeasureKind.MIN || k == MeasureKind.MAX) {
          out.add(Finding.cell(rule(), Status.FAIL, r, col,
              Detail.of("extreme.minMaxUncited", what), Map.of()));
        } else {
          out.add(Finding.cell(rule(), Status.REVIEW, r, col,
              Detail.of("extreme.uncited", what), Map.of()));
        }
      }
    }
  }
}
