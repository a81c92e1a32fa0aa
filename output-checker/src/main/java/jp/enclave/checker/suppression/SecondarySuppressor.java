package jp.enclave.checker.suppression;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import jp.enclave.checker.Detail;
import jp.enclave.checker.rules.RuleSet;
import jp.enclave.checker.table.Constraint;
import jp.enclave.checker.table.StatTable;

/**
 * Proposes secondary suppressions and proves them, after sdcTable. Tables whose relations hold
 * up to {@code secondary_suppression.exact_max_cells} cells get the exactly minimal pattern from
 * {@link OptimalSuppressor} (integer programming across all relations at once, within
 * {@code exact_time_budget_ms}); larger ones, or when the budget runs out, a heuristic: no margin
 * relation may have exactly one suppressed cell (it would be given away by subtraction), then
 * while the {@link AttackerAudit} finds a primary cell's feasible interval too narrow, the
 * cheapest further cell sharing a relation with it is suppressed. Either way the audit proves
 * the pattern before it is shown.
 */
public final class SecondarySuppressor {
  private final RuleSet rules;

  public SecondarySuppressor(RuleSet rules) {
    this.rules = rules;
  }

  public SuppressionPlan plan(StatTable table, Set<Integer> primary) {
    Set<Integer> prim = new TreeSet<>(primary);
    if (prim.isEmpty()) {
      return new SuppressionPlan(prim, Set.of(), List.of(), true, null);
    }
    if (!rules.secondaryEnabled) {
      return new SuppressionPlan(prim, Set.of(), List.of(), false, Detail.of("suppression.disabled"));
    }
    if (table.constraints().isEmpty()) {
      return new SuppressionPlan(prim, Set.of(), List.of(), true,
          Detail.of("suppression.noMargins"));
    }
    AttackerAudit audit = new AttackerAudit(table);
    Set<Integer> blankInFile = new TreeSet<>();
    for (int id = 0; id < table.cells(); id++) {
      if (table.suppressedInFile(table.rowOf(id), table.measureOf(id))) {
        blankInFile.add(id); // already blank in the file: unknown to the attacker as well
      }
    }
    int cells = relationCells(table);
    if (cells <= rules.exactMaxCells) {
      Optional<SuppressionPlan> exact = new OptimalSuppressor(table, audit, rules.minIntervalCount, rules.minIntervalRelative,
          rules.exactTimeBudgetMillis).solve(prim, blankInFile);
      if (exact.isPresent()) {
        return exact.get();
      }
    }
    SuppressionPlan plan = heuristic(table, audit, prim, blankInFile);
    if (!plan.complete()) {
      return plan;
    }
    // Say which method chose the cells: a reviewer may ask for the minimal pattern by hand.
    Detail why = cells > rules.exactMaxCells
        ? Detail.of("suppression.why.tooLarge", cells, rules.exactMaxCells)
        : Detail.of("suppression.why.timeBudget", rules.exactTimeBudgetMillis);
    return new SuppressionPlan(plan.primary(), plan.secondary(), plan.audits(), true,
        Detail.of("suppression.heuristic", why, plan.secondary().size()));
  }

  private static int relationCells(StatTable table) {
    Set<Integer> cells = new HashSet<>();
    for (Constraint c : table.constraints()) {
      for (int m : c.cells()) {
        cells.add(m);
      }
    }
    return cells.size();
  }

  /**
   * Beyond the exact program's size or time budget: make sure no relation has exactly one
   * suppressed cell, then, while the audit finds a primary cell too narrowly bounded, add the
   * cheapest cell sharing a relation with it. Every pattern returned is proven by the audit.
   */
  private SuppressionPlan heuristic(StatTable table, AttackerAudit audit, Set<Integer> prim, Set<Integer> blankInFile) {
    Set<Integer> suppressed = new HashSet<>(prim);
    suppressed.addAll(blankInFile);
    Set<Integer> secondary = new LinkedHashSet<>();
    int guard = table.cells() + 1;
    while (guard-- > 0) {
      singletonPass(table, suppressed, secondary);
      if (suppressed.size() > rules.maxAuditCells) {
        return new SuppressionPlan(prim, secondary, List.of(), false,
            Detail.of("suppression.auditLimit", suppressed.size(), rules.maxAuditCells));
      }
      List<AuditResult> results = new ArrayList<>();
      Integer weakest = null;
      for (int p : prim) {
        AuditResult r = audit.audit(p, suppressed, audit.requiredWidth(p, rules.minIntervalCount, rules.minIntervalRelative));
        results.add(r);
        if (!r.isProtected() && weakest == null) {
          weakest = p;
        }
      }
      if (weakest == null) {
        return new SuppressionPlan(prim, secondary, results, true, null);
      }
      Integer next = cheapestNeighbour(table, audit, weakest, suppressed);
      if (next == null) {
        return new SuppressionPlan(prim, secondary, results, false,
            Detail.of("suppression.unprotectable", table.rowName(table.rowOf(weakest)),
                table.measureName(table.measureOf(weakest))));
      }
      suppressed.add(next);
      secondary.add(next);
    }
    return new SuppressionPlan(prim, secondary, List.of(), false, Detail.of("suppression.notConverged"));
  }

  /** Every relation with exactly one suppressed cell gets a second one. */
  private static void singletonPass(StatTable table, Set<Integer> suppressed, Set<Integer> secondary) {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Constraint c : table.constraints()) {
        int count = suppressed.contains(c.total()) ? 1 : 0;
        for (int p : c.parts()) {
          if (suppressed.contains(p)) {
            count++;
          }
        }
        if (count != 1) {
          continue;
        }
        Integer pick = cheapest(table, c, suppressed);
        if (pick != null) {
          suppressed.add(pick);
          secondary.add(pick);
          changed = true;
        }
      }
    }
  }

  /** Smallest published interior cell of a relation, the total only when no interior cell is left. */
  private static Integer cheapest(StatTable table, Constraint c, Set<Integer> suppressed) {
    Integer best = null;
    double bestValue = Double.POSITIVE_INFINITY;
    for (int p : c.parts()) {
      if (!suppressed.contains(p) && !isMargin(table, p)) {
        double v = Math.abs(table.value(p));
        if (v < bestValue || best == null) {
          best = p;
          bestValue = v;
        }
      }
    }
    if (best == null) {
      for (int p : c.parts()) {
        if (!suppressed.contains(p)) {
          double v = Math.abs(table.value(p));
          if (v < bestValue || best == null) {
            best = p;
            bestValue = v;
          }
        }
      }
    }
    if (best == null && !suppressed.contains(c.total())) {
      best = c.total();
    }
    return best;
  }

  private static boolean isMargin(StatTable t, int cell) {
    return t.isTotalRow(t.rowOf(cell)) || t.isTotalMeasure(t.measureOf(cell));
  }

  /** The cheapest unsuppressed cell in any relation touching the weak cell or its suppressed partners. */
  private static Integer cheapestNeighbour(StatTable table, AttackerAudit audit, int weak, Set<Integer> suppressed) {
    Integer best = null;
    double bestValue = Double.POSITIVE_INFINITY;
    boolean bestMargin = true;
    List<Integer> frontier = new ArrayList<>();
    frontier.add(weak);
    for (Constraint c : audit.constraintsOf(weak)) {
      for (int p : c.parts()) {
        if (suppressed.contains(p)) {
          frontier.add(p);
        }
      }
      if (suppressed.contains(c.total())) {
        frontier.add(c.total());
      }
    }
    for (int cell : frontier) {
      for (Constraint c : audit.constraintsOf(cell)) {
        List<Integer> members = new ArrayList<>();
        members.add(c.total());
        for (int p : c.parts()) {
          members.add(p);
        }
        for (int m : members) {
          if (suppressed.contains(m)) {
            continue;
          }
          boolean margin = isMargin(table, m);
          double v = Math.abs(table.value(m));
          if (best == null || (bestMargin && !margin) || (margin == bestMargin && v < bestValue)) {
            best = m;
            bestValue = v;
            bestMargin = margin;
          }
        }
      }
    }
    return best;
  }
}
