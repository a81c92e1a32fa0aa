package jp.enclave.checker.suppression;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jp.enclave.checker.table.Constraint;
import jp.enclave.checker.table.MeasureKind;
import jp.enclave.checker.table.StatTable;
import org.apache.commons.math3.exception.TooManyIterationsException;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.linear.LinearConstraint;
import org.apache.commons.math3.optim.linear.LinearConstraintSet;
import org.apache.commons.math3.optim.linear.LinearObjectiveFunction;
import org.apache.commons.math3.optim.linear.NoFeasibleSolutionException;
import org.apache.commons.math3.optim.linear.NonNegativeConstraint;
import org.apache.commons.math3.optim.linear.Relationship;
import org.apache.commons.math3.optim.linear.SimplexSolver;
import org.apache.commons.math3.optim.linear.UnboundedSolutionException;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;

/**
 * The attacker model of sdcTable's {@code attack}: for a suppressed cell, minimise and maximise
 * its value over every table consistent with what is published. Each relation total = Σ parts
 * becomes one equality over the suppressed cells; published cells are constants. Only the
 * connected group of suppressed cells sharing relations with the target enters the LP, which
 * keeps each program small.
 */
public final class AttackerAudit {
  private final StatTable table;
  private final Map<Integer, List<Constraint>> byCell = new HashMap<>();
  private final boolean nonNegative;

  public AttackerAudit(StatTable table) {
    this.table = table;
    for (Constraint c : table.constraints()) {
      byCell.computeIfAbsent(c.total(), k -> new ArrayList<>()).add(c);
      for (int p : c.parts()) {
        byCell.computeIfAbsent(p, k -> new ArrayList<>()).add(c);
      }
    }
    boolean nn = true;
    for (int id = 0; id < table.cells(); id++) {
      double v = table.value(id);
      if (!Double.isNaN(v) && v < 0) {
        nn = false;
      }
    }
    // Counts and sums of non-negative amounts cannot go below zero, and the attacker knows it.
    this.nonNegative = nn;
  }

  /** Whether every published value is at least zero, so the attacker knows cells cannot go below it. */
  public boolean nonNegative() {
    return nonNegative;
  }

  public List<Constraint> constraintsOf(int cellId) {
    return byCell.getOrDefault(cellId, List.of());
  }

  /** Required width of the feasible interval for a primary cell. */
  public double requiredWidth(int cellId, double minIntervalCount, double minIntervalRelative) {
    MeasureKind k = table.kind(table.measureOf(cellId));
    double v = table.value(cellId);
    if (k == MeasureKind.COUNT) {
      return minIntervalCount;
    }
    return Double.isNaN(v) ? minIntervalCount : Math.max(minIntervalRelative * Math.abs(v), 1e-9);
  }

  public AuditResult audit(int target, Set<Integer> suppressed, double required) {
    double value = table.value(target);
    Set<Integer> component = component(target, suppressed);
    List<Integer> vars = new ArrayList<>(component);
    Map<Integer, Integer> index = new HashMap<>();
    for (int i = 0; i < vars.size(); i++) {
      index.put(vars.get(i), i);
    }
    Set<Constraint> relevant = new HashSet<>();
    for (int cell : vars) {
      relevant.addAll(constraintsOf(cell));
    }
    if (relevant.isEmpty()) {
      return new AuditResult(target, value, nonNegative ? 0 : Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, required, true);
    }
    List<LinearConstraint> lcs = new ArrayList<>();
    for (Constraint c : relevant) {
      double[] coef = new double[vars.size()];
      double rhs = 0;
      Integer ti = index.get(c.total());
      if (ti != null) {
        coef[ti] -= 1;
      } else {
        rhs += table.value(c.total());
      }
      for (int p : c.parts()) {
        Integer pi = index.get(p);
        if (pi != null) {
          coef[pi] += 1;
        } else {
          rhs -= table.value(p);
        }
      }
      if (c.tolerance() > 0) {
        // Printed rounded: the relation holds only within the rounding, so the attacker solves with it.
        lcs.add(new LinearConstraint(coef, Relationship.LEQ, rhs + c.tolerance()));
        lcs.add(new LinearConstraint(coef, Relationship.GEQ, rhs - c.tolerance()));
      } else {
        lcs.add(new LinearConstraint(coef, Relationship.EQ, rhs));
      }
    }
    double[] obj = new double[vars.size()];
    obj[index.get(target)] = 1;
    double lo = solve(obj, lcs, GoalType.MINIMIZE);
    double hi = solve(obj, lcs, GoalType.MAXIMIZE);
    boolean ok = hi - lo >= required - 1e-9;
    return new AuditResult(target, value, lo, hi, required, ok);
  }

  private double solve(double[] obj, List<LinearConstraint> lcs, GoalType goal) {
    try {
      PointValuePair p = new SimplexSolver().optimize(new MaxIter(20_000), new LinearObjectiveFunction(obj, 0),
          new LinearConstraintSet(lcs), goal, new NonNegativeConstraint(nonNegative));
      return p.getValue();
    } catch (UnboundedSolutionException e) {
      return goal == GoalType.MINIMIZE ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    } catch (NoFeasibleSolutionException | TooManyIterationsException e) {
      // Inconsistent margins or a stalled solve: report a zero-width interval so the cell is never
      // declared protected on an unproven basis.
      return Double.NaN;
    }
  }

  /**
   * Published cells sharing a relation with the target's suppressed component: suppressing none of
   * them leaves the target's interval as it is, so one of them must join any pattern that widens it.
   */
  public Set<Integer> publishedNeighbours(int target, Set<Integer> suppressed) {
    Set<Integer> out = new java.util.TreeSet<>();
    for (int cell : component(target, suppressed)) {
      for (Constraint c : constraintsOf(cell)) {
        for (int m : c.cells()) {
          if (!suppressed.contains(m)) {
            out.add(m);
          }
        }
      }
    }
    return out;
  }

  /** Suppressed cells reachable from the target through shared relations. */
  private Set<Integer> component(int target, Set<Integer> suppressed) {
    Set<Integer> seen = new HashSet<>();
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    seen.add(target);
    queue.add(target);
    while (!queue.isEmpty()) {
      int cell = queue.poll();
      for (Constraint c : constraintsOf(cell)) {
        visit(c.total(), suppressed, seen, queue);
        for (int p : c.parts()) {
          visit(p, suppressed, seen, queue);
        }
      }
    }
    return seen;
  }

  private static void visit(int cell, Set<Integer> suppressed, Set<Integer> seen, ArrayDeque<Integer> queue) {
    if (suppressed.contains(cell) && seen.add(cell)) {
      queue.add(cell);
    }
  }
}
