package jp.enclave.checker.rules;

import java.util.List;
import java.util.Map;
import jp.enclave.checker.Detail;
import jp.enclave.checker.table.MeasureKind;
import jp.enclave.checker.table.StatTable;

/** Zeros, negatives and missing cells: flagged with the configured status (review by default). */
public final class CellValueCheck implements TableCheck {
  @Override
  public String rule() { return Rule.ZERO; }

  @Override
  public void check(StatTable t, CellFacts facts, RuleSet rules, List<Finding> out) {
    for (int r = 0; r < t.rows(); r++) {
      for (int m = 0; m < t.measures(); m++) {
        double v = t.value(r, m);
        int col = t.measureColumn(m);
        if (Double.isNaN(v)) {
          if (!t.suppressedInFile(r, m) && rules.missing != Status.PASS) {
            out.add(Finding.cell(Rule.MISSING, rules.missing, r, col, Detail.of("cell.missing"), Map.of()));
          }
        } else if (v < 0 && rules.negatives != Status.PASS) {
          out.add(Finding.cell(Rule.NEGATIVE, rules.negatives, r, col,
              Detail.of("cell.negative", ThresholdCheck.fmt(v)),
              Map.of("value", v)));
        } else if (v == 0 && t.kind(m).additive() && rules.zeros != Status.PASS) {
          out.add(Finding.cell(Rule.ZERO, rules.zeros, r, col,
              Detail.of("cell.zero"),
              Map.of("value", 0)));
        }
      }
    }
  }
}
