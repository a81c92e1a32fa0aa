package jp.enclave.checker.suppression;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import jp.enclave.checker.Detail;
import jp.enclave.checker.table.Constraint;
import jp.enclave.checker.table.StatTable;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

/**
 * Exactly minimal secondary suppression over all relations at once: an integer program (ojAlgo)
 * chooses which cells to suppress, fewest cells first and least total value among those, and the
 * {@link AttackerAudit} checks each proposal. When a primary cell is still too narrowly bounded,
 * a cut is added — at least one published cell sharing a relation with its suppressed group must
 * join — and the program is solved again. Every cut only removes patterns that cannot protect the
 * cell (fewer suppressions never widen an interval), so the first pattern the audit accepts is
 * the minimum. Cells outside every relation never need suppressing and stay out of the program.
 */
final class OptimalSuppressor {
  static {
    // ojAlgo prints a hardware-profile notice to standard output on first use; the CLI's output is for verdicts.
    if (System.getProperty("shut.up.ojAlgo") == null) {
      System.setProperty("shut.up.ojAlgo", "true");
    }
  }

  private final StatTable table;
  private final AttackerAudit audit;
  private final double minIntervalCount;
  private final double minIntervalRelative;
  private final long deadlineNanos;

  OptimalSuppressor(StatTable table, AttackerAudit audit, double minIntervalCount, double minIntervalRelative,
                    long budgetMillis) {
    this.table = table;
    this.audit = audit;
    this.minIntervalCount = minIntervalCount;
    this.minIntervalRelative = minIntervalRelative;
    this.deadlineNanos = System.nanoTime() + budgetMillis * 1_000_000L;
  }

  /** A proven minimal pattern, or empty when the time budget ran out or no pattern protects. */
  Optional<SuppressionPlan> solve(Set<Integer> primary, Set<Integer> blankInFile) {
    List<Integer> cells = new ArrayList<>(new TreeSet<>(relationCells()));
    Map<Integer, Integer> index = new HashMap<>();
    for (int i = 0; i < cells.size(); i++) {
      index.put(cells.get(i), i);
    }
    double totalValue = 1;
    for (int c : cells) {
      totalValue += Math.abs(valueOf(c));
    }
    ExpressionsBasedModel model = new ExpressionsBasedModel();
    Variable[] x = new Variable[cells.size()];
    for (int i = 0; i < x.length; i++) {
      int cell = cells.get(i);
      // Lexicographic in one objective: every value share is < 1, so one cell more always costs more.
      x[i] = model.newVariable("x" + cell).binary().weight(1 + Math.abs(valueOf(cell)) / totalValue);
      if (primary.contains(cell) || blankInFile.contains(cell)) {
        x[i].lower(1);
      }
    }
    int cut = 0;
    for (Constraint c : table.constraints()) {
      int[] members = c.cells();
      for (int i : members) {
        if (blankInFile.contains(i)) {
          continue; // blank before we came: not ours to protect
        }
        // A relation with exactly one suppressed cell gives it away by subtraction.
        Expression e = model.newExpression("pair" + cut++).lower(0);
        e.set(x[index.get(i)], -1);
        for (int j : members) {
          if (j != i) {
            e.set(x[index.get(j)], 1);
          }
        }
      }
    }
    if (audit.nonNegative()) {
      cut = capacityConstraints(model, x, index, primary, cut);
    }
    while (System.nanoTime() < deadlineNanos) {
      long left = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000L);
      model.options.time_abort = left;
      model.options.time_suffice = left;
      Optimisation.Result r = model.minimise();
      if (!r.getState().isOptimal()) {
        return Optional.empty(); // infeasible or out of time: the heuristic takes over
      }
      Set<Integer> suppressed = new TreeSet<>();
      for (int i = 0; i < x.length; i++) {
        if (r.doubleValue(i) > 0.5) {
          suppressed.add(cells.get(i));
        }
      }
      suppressed.addAll(primary);
      List<AuditResult> results = new ArrayList<>();
      boolean added = false;
      for (int p : new TreeSet<>(primary)) {
        AuditResult a = audit.audit(p, suppressed, audit.requiredWidth(p, minIntervalCount, minIntervalRelative));
        results.add(a);
        if (a.isProtected()) {
          continue;
        }
        Set<Integer> neighbours = audit.publishedNeighbours(p, suppressed);
        if (neighbours.isEmpty()) {
          return Optional.empty();
        }
        Expression e = model.newExpression("cut" + cut++).lower(1);
        for (int n : neighbours) {
          e.set(x[index.get(n)], 1);
        }
        added = true;
      }
      if (!added) {
        Set<Integer> secondary = new TreeSet<>(suppressed);
        secondary.removeAll(primary);
        secondary.removeAll(blankInFile);
        return Optional.of(new SuppressionPlan(primary, secondary, results, true,
            Detail.of("suppression.minimal", secondary.size(), table.constraints().size())));
      }
    }
    return Optional.empty();
  }

  /**
   * Necessary conditions that make the program strong from the start: with values that cannot go
   * below zero, a primary cell p can rise above its value only as far as the other suppressed
   * parts of each relation it is a part of (with a published total) can fall, and can fall at
   * most to zero. So in every such relation, the values of the other suppressed parts (a
   * suppressed total counts as unlimited) must reach the required width minus p's value.
   */
  private int capacityConstraints(ExpressionsBasedModel model, Variable[] x, Map<Integer, Integer> index,
                                  Set<Integer> primary, int cut) {
    for (int p : primary) {
      double required = audit.requiredWidth(p, minIntervalCount, minIntervalRelative);
      for (Constraint c : audit.constraintsOf(p)) {
        if (c.total() == p) {
          continue;
        }
        double need = required - Math.abs(valueOf(p)) - 2 * c.tolerance();
        if (need <= 0) {
          continue;
        }
        Expression e = model.newExpression("capacity" + cut++).lower(need);
        e.set(x[index.get(c.total())], need);
        for (int j : c.parts()) {
          if (j != p) {
            double v = table.value(j);
            e.set(x[index.get(j)], Double.isNaN(v) ? need : Math.min(Math.abs(v), need));
          }
        }
      }
    }
    return cut;
  }

  private double valueOf(int cell) {
    double v = table.value(cell);
    return Double.isNaN(v) ? 0 : v;
  }

  private Set<Integer> relationCells() {
    Set<Integer> out = new TreeSet<>();
    for (Constraint c : table.constraints()) {
      for (int m : c.cells()) {
        out.add(m);
      }
    }
    return out;
  }
}
