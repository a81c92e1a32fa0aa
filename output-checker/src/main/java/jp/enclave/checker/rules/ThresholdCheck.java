package jp.enclave.checker.rules;

import java.util.List;
import java.util.Map;
import jp.enclave.checker.Detail;
import jp.enclave.checker.table.MeasureKind;
import jp.enclave.checker.table.StatTable;

/**
 * Every count cell rests on at least {@code threshold.persons} distinct persons; every other
 * statistic on at least {@code threshold.contributors}. Zero cells are left to {@link CellValueCheck}:
 * an empty cell has no one to protect, but its zero can itself disclose (ACRO's zeros rule).
 */
public final class ThresholdCheck implements TableCheck {
  @Override
  public String rule() { return Rule.THRESHOLD; }

  @Override
  public void check(StatTable t, CellFacts facts, RuleSet rules, List<Finding> out) {
    for (int r = 0; r < t.rows(); r++) {
      for (int m = 0; m < t.measures(); m++) {
        int id = t.cellId(r, m);
        if (t.kind(m) == MeasureKind.PERCENT || Double.isNaN(t.value(r, m))) { // blank cells disclose nothing
          continue;
        }
        double persons = facts.persons(id);
        if (Double.isNaN(persons) || persons == 0) {
          continue;
        }
        boolean count = t.kind(m) == MeasureKind.COUNT;
        int limit = count ? rules.thresholdPersons : rules.thresholdContributors;
        if (persons < limit) {
          String who = count ? "persons" : "contributors";
          out.add(Finding.cell(rule(), Status.FAIL, r, t.measureColumn(m),
              Detail.of("threshold." + who + (facts.fromProvenance() ? ".recomputed" : ""), fmt(persons), limit),
              Map.of(who, persons, "threshold", limit)));
        }
      }
    }
  }

  static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
  }
}
