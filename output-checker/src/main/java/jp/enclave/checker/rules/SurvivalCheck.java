package jp.enclave.checker.rules;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import jp.enclave.checker.Detail;
import jp.enclave.checker.input.RawTable;
import jp.enclave.checker.table.Numbers;

/**
 * Survival (life) tables: no step may have fewer than {@code survival.min_at_risk} persons at
 * risk, since each event then moves the curve by a step an individual can be matched to.
 */
public final class SurvivalCheck {
  private static final Pattern AT_RISK = Pattern.compile(
      "(?i)^(n[ ._]?risk|at[ ._-]?risk|n[ ._]at[ ._]risk|number[ ._]at[ ._]risk|リスク集合.*|リスク人数|at_risk_n)$");

  private SurvivalCheck() {}

  public static void check(RawTable t, RuleSet rules, List<Finding> out) {
    int col = -1;
    for (int c = 0; c < t.columnCount(); c++) {
      if (AT_RISK.matcher(t.header().get(c).strip()).matches()) {
        col = c;
        break;
      }
    }
    if (col < 0) {
      out.add(Finding.item(Rule.SURVIVAL, Status.REVIEW,
          Detail.of("survival.noAtRiskColumn")));
      return;
    }
    for (int r = 0; r < t.rowCount(); r++) {
      double v = Numbers.parse(t.cell(r, col));
      if (!Double.isNaN(v) && v < rules.minAtRisk) {
        out.add(Finding.cell(Rule.SURVIVAL, Status.FAIL, r, col,
            Detail.of("survival.fewAtRisk", ThresholdCheck.fmt(v), rules.minAtRisk),
            Map.of("at_risk", v, "min_at_risk", rules.minAtRisk)));
      }
    }
  }
}
