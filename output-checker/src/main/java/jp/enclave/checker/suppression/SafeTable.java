package jp.enclave.checker.suppression;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jp.enclave.checker.Detail;
import jp.enclave.checker.rules.Finding;
import jp.enclave.checker.rules.Rule;
import jp.enclave.checker.rules.RuleSet;
import jp.enclave.checker.rules.Status;
import jp.enclave.checker.table.StatTable;

/**
 * The suggested safe version of a table: its primary cells (failing a suppressible rule), the
 * row partners of a failing statistic in a long table, the secondary cells the suppressor chose,
 * and the rows with every suppressed cell replaced by the marker. Adds its findings to the list.
 *
 * @param rows the safe rows, or null when nothing is suppressed
 */
public record SafeTable(SuppressionPlan plan, List<String[]> rows) {

  public static SafeTable plan(StatTable stat, List<Finding> findings, RuleSet rules) {
    Set<Integer> primary = primaryCells(stat, findings);
    addRowPartners(stat, primary, findings);
    SuppressionPlan plan = new SecondarySuppressor(rules).plan(stat, primary);
    for (int id : plan.secondary()) {
      findings.add(Finding.cell(Rule.SECONDARY, Status.PASS, stat.rowOf(id), stat.measureColumn(stat.measureOf(id)),
          Detail.of("secondary.margins"), Map.of()));
    }
    if (!plan.complete() && !primary.isEmpty()) {
      findings.add(Finding.item(Rule.SUPPRESSION_AUDIT, Status.REVIEW, plan.note()));
    } else if (plan.note() != null) {
      findings.add(Finding.item(Rule.SUPPRESSION_AUDIT, Status.PASS, plan.note()));
    }
    // Only a pattern the attacker audit proved is shown as the suggested safe table.
    boolean show = !primary.isEmpty() && plan.complete();
    return new SafeTable(plan, show ? suppressedRows(stat, plan, rules.suppressionMarker) : null);
  }

  private static Set<Integer> primaryCells(StatTable stat, List<Finding> findings) {
    Map<Integer, Integer> measureOfColumn = new HashMap<>();
    for (int m = 0; m < stat.measures(); m++) {
      measureOfColumn.put(stat.measureColumn(m), m);
    }
    Set<Integer> primary = new LinkedHashSet<>();
    for (Finding f : findings) {
      if (f.isCell() && f.status() == Status.FAIL && Rule.suppressible(f.rule()) && measureOfColumn.containsKey(f.column())) {
        primary.add(stat.cellId(f.row(), measureOfColumn.get(f.column())));
      }
    }
    return primary;
  }

  /**
   * In a long table every measure of a row describes the same group of persons: one failing
   * statistic takes the row's other statistics with it.
   */
  private static void addRowPartners(StatTable stat, Set<Integer> primary, List<Finding> findings) {
    if (stat.isCrossTab()) {
      return;
    }
    for (int id : new ArrayList<>(primary)) {
      int r = stat.rowOf(id);
      for (int m = 0; m < stat.measures(); m++) {
        int other = stat.cellId(r, m);
        if (!primary.contains(other) && !Double.isNaN(stat.value(other))) {
          primary.add(other);
          findings.add(Finding.cell(Rule.SECONDARY, Status.PASS, r, stat.measureColumn(m),
              Detail.of("secondary.sameGroup"), Map.of()));
        }
      }
    }
  }

  private static List<String[]> suppressedRows(StatTable stat, SuppressionPlan plan, String marker) {
    List<String[]> safe = new ArrayList<>(stat.rows());
    for (int r = 0; r < stat.rows(); r++) {
      String[] row = stat.raw().rows().get(r).clone();
      for (int m = 0; m < stat.measures(); m++) {
        if (plan.isSuppressed(stat.cellId(r, m))) {
          row[stat.measureColumn(m)] = marker;
        }
      }
      safe.add(row);
    }
    return safe;
  }
}
