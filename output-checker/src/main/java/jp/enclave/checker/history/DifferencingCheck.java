package jp.enclave.checker.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import jp.enclave.checker.Detail;
import jp.enclave.checker.rules.Finding;
import jp.enclave.checker.rules.Rule;
import jp.enclave.checker.rules.RuleSet;
import jp.enclave.checker.rules.Status;
import jp.enclave.checker.table.MeasureKind;
import jp.enclave.checker.table.Numbers;
import jp.enclave.checker.table.StatTable;

/**
 * Differencing: a new count table is compared with every table already released for the project
 * that has the same breakdown, or a coarser or finer one over the same dimensions. Both are
 * summed to the common dimensions; where subtracting one from the other leaves a group of
 * 1..threshold-1 persons, the new cells in that group fail, naming the earlier release.
 */
public final class DifferencingCheck {
  private static final String COLUMN_DIM = "\u0000column";

  private DifferencingCheck() {}

  private record Cell(Map<String, String> key, double value, int row, int measure) {}

  private record Flat(Set<String> dims, List<Cell> cells) {}

  public static void check(StatTable t, List<ReleasedTable> released, RuleSet rules, List<Finding> out) {
    if (!rules.differencingEnabled || released.isEmpty()) {
      return;
    }
    Flat mine = flatten(t);
    if (mine.cells().isEmpty()) {
      return;
    }
    Set<Integer> flagged = new HashSet<>();
    for (ReleasedTable r : released) {
      Flat theirs = flatten(r.table());
      Set<String> common = new HashSet<>(mine.dims());
      common.retainAll(theirs.dims());
      if (common.isEmpty() || !(common.equals(mine.dims()) || common.equals(theirs.dims()))) {
        continue;
      }
      Map<String, List<Cell>> myGroups = new HashMap<>();
      Map<String, Double> mySums = aggregate(mine, common, myGroups);
      Map<String, Double> theirSums = aggregate(theirs, common, null);
      int overlap = 0;
      for (String k : mySums.keySet()) {
        if (theirSums.containsKey(k)) {
          overlap++;
        }
      }
      if (overlap == 0 || overlap < rules.minKeyOverlap * mySums.size()) {
        continue;
      }
      for (Map.Entry<String, Double> e : mySums.entrySet()) {
        Double a = e.getValue();
        Double b = theirSums.get(e.getKey());
        if (a == null || b == null || a.isNaN() || b.isNaN()) {
          continue;
        }
        double diff = Math.abs(a - b);
        if (diff > 1e-9 && diff < rules.thresholdPersons) {
          for (Cell c : myGroups.get(e.getKey())) {
            int id = t.cellId(c.row(), c.measure());
            if (!flagged.add(id)) {
              continue;
            }
            Map<String, Object> nums = new LinkedHashMap<>();
            nums.put("this_group", a);
            nums.put("released_group", b);
            nums.put("difference", diff);
            nums.put("release", r.releaseId());
            out.add(Finding.cell(Rule.DIFFERENCING, Status.FAIL, c.row(), t.measureColumn(c.measure()),
                Detail.of("differencing.leaves", r.releaseId(), r.itemId(), fmt(diff), describe(e.getKey()),
                    rules.thresholdPersons),
                nums));
          }
        }
      }
    }
  }

  private static Flat flatten(StatTable t) {
    Set<String> dims = new HashSet<>();
    for (int i = 0; i < t.labelColumnCount(); i++) {
      dims.add(t.raw().header().get(t.labelColumn(i)).strip().toLowerCase(Locale.ROOT));
    }
    dims.add(COLUMN_DIM);
    List<Cell> cells = new ArrayList<>();
    for (int m = 0; m < t.measures(); m++) {
      if (t.kind(m) != MeasureKind.COUNT || t.isTotalMeasure(m)) {
        continue;
      }
      for (int r = 0; r < t.rows(); r++) {
        if (t.isTotalRow(r)) {
          continue;
        }
        Map<String, String> key = new HashMap<>();
        for (int i = 0; i < t.labelColumnCount(); i++) {
          key.put(t.raw().header().get(t.labelColumn(i)).strip().toLowerCase(Locale.ROOT), Numbers.canonicalKey(t.label(r, i)));
        }
        key.put(COLUMN_DIM, t.measureName(m).strip().toLowerCase(Locale.ROOT));
        cells.add(new Cell(key, t.value(r, m), r, m));
      }
    }
    return new Flat(dims, cells);
  }

  /** Sums cells to the common dimensions; a group with a blank (suppressed) member is unknown. */
  private static Map<String, Double> aggregate(Flat f, Set<String> dims, Map<String, List<Cell>> groups) {
    Map<String, Double> sums = new HashMap<>();
    for (Cell c : f.cells()) {
      TreeMap<String, String> k = new TreeMap<>();
      for (String d : dims) {
        k.put(d, c.key().get(d));
      }
      String key = k.toString();
      double v = c.value();
      sums.merge(key, v, (x, y) -> x.isNaN() || y.isNaN() ? Double.NaN : x + y);
      if (groups != null) {
        groups.computeIfAbsent(key, x -> new ArrayList<>()).add(c);
      }
    }
    return sums;
  }

  private static String describe(String key) {
    return key.replace(COLUMN_DIM, "column");
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
