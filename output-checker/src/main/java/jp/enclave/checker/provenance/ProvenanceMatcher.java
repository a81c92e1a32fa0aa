package jp.enclave.checker.provenance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jp.enclave.checker.Detail;
import jp.enclave.checker.rules.CellFacts;
import jp.enclave.checker.rules.Finding;
import jp.enclave.checker.rules.Rule;
import jp.enclave.checker.rules.RuleSet;
import jp.enclave.checker.rules.Status;
import jp.enclave.checker.table.MeasureKind;
import jp.enclave.checker.table.Numbers;
import jp.enclave.checker.table.StatTable;

/**
 * Lines a file up with its recomputed queries and decides what the rules judge on: recomputed
 * persons and contributions wherever a cell is covered by a cited query, the file's own numbers
 * elsewhere (margins, extra columns). A file value that disagrees with its query is a finding.
 * Handles long tables (one column per aggregate) and cross-tabulations pivoted on one key.
 */
public final class ProvenanceMatcher {
  private static final int MAX_MISMATCH_FINDINGS = 500;

  private ProvenanceMatcher() {}

  /** Facts from the file alone: a count is its own number of persons; magnitudes use the row's count. */
  public static CellFacts fileFacts(StatTable t) {
    CellFacts f = new CellFacts(t.cells(), false);
    int countM = t.countMeasureForRow();
    for (int r = 0; r < t.rows(); r++) {
      for (int m = 0; m < t.measures(); m++) {
        fileFact(t, f, r, m, countM);
      }
    }
    return f;
  }

  private static void fileFact(StatTable t, CellFacts f, int r, int m, int countM) {
    int id = t.cellId(r, m);
    if (t.kind(m) == MeasureKind.COUNT) {
      f.setPersons(id, t.value(r, m));
    } else if (countM >= 0) {
      f.setPersons(id, t.value(r, countM));
    }
  }

  public static CellFacts match(StatTable t, List<ProvenanceResult> results, RuleSet rules, List<Finding> out) {
    CellFacts facts = new CellFacts(t.cells(), true);
    boolean[] covered = new boolean[t.cells()];
    int[] mismatches = {0};
    for (ProvenanceResult pr : results) {
      matchOne(t, pr, rules, facts, covered, mismatches, out);
    }
    if (mismatches[0] > MAX_MISMATCH_FINDINGS) {
      out.add(Finding.item(Rule.PROVENANCE_MISMATCH, Status.FAIL,
          Detail.of("provenance.manyMismatches", mismatches[0], MAX_MISMATCH_FINDINGS)));
    }
    int countM = t.countMeasureForRow();
    List<String> uncoveredColumns = new ArrayList<>();
    for (int m = 0; m < t.measures(); m++) {
      boolean any = false;
      for (int r = 0; r < t.rows(); r++) {
        if (!covered[t.cellId(r, m)]) {
          fileFact(t, facts, r, m, countM);
          any |= !t.isTotalRow(r) && !t.isTotalMeasure(m);
        }
      }
      if (any && !t.isTotalMeasure(m)) {
        uncoveredColumns.add(t.measureName(m));
      }
    }
    if (!uncoveredColumns.isEmpty()) {
      out.add(Finding.item(Rule.PROVENANCE, Status.REVIEW,
          Detail.of("provenance.uncoveredColumns", uncoveredColumns)));
    }
    return facts;
  }

  private static void matchOne(StatTable t, ProvenanceResult pr, RuleSet rules, CellFacts facts, boolean[] covered,
                               int[] mismatches, List<Finding> out) {
    AggregateQuery q = pr.query();
    String qid = pr.cited().queryId();
    int k = q.keys().size();
    int[] keyToLabel = new int[k];
    java.util.Arrays.fill(keyToLabel, -1);
    for (int li = 0; li < t.labelColumnCount(); li++) {
      String name = t.raw().header().get(t.labelColumn(li));
      int found = -1;
      for (int i = 0; i < k; i++) {
        if (q.keys().get(i).name().equalsIgnoreCase(name.strip())) {
          found = i;
        }
      }
      if (found < 0) {
        out.add(Finding.item(Rule.PROVENANCE_MISMATCH, Status.FAIL,
            Detail.of("provenance.labelNotKey", name, qid, keyNames(q))));
        return;
      }
      keyToLabel[found] = li;
    }
    List<Integer> unshown = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      if (keyToLabel[i] < 0) {
        unshown.add(i);
      }
    }
    int pivotKey = -1;
    Map<Integer, Integer> measureToQuery = new HashMap<>();
    if (unshown.isEmpty()) {
      for (int m = 0; m < t.measures(); m++) {
        for (int j = 0; j < q.measures().size(); j++) {
          if (q.measures().get(j).name().equalsIgnoreCase(t.measureName(m).strip())) {
            measureToQuery.put(m, j);
          }
        }
      }
    } else if (unshown.size() == 1 && q.measures().size() == 1) {
      pivotKey = unshown.get(0);
      for (int m = 0; m < t.measures(); m++) {
        if (!t.isTotalMeasure(m)) {
          measureToQuery.put(m, 0);
        }
      }
    } else {
      out.add(Finding.item(Rule.PROVENANCE_MISMATCH, Status.FAIL,
          Detail.of("provenance.keysNotShown", qid, keyNames(q))));
      return;
    }
    if (measureToQuery.isEmpty()) {
      out.add(Finding.item(Rule.PROVENANCE_MISMATCH, Status.FAIL,
          Detail.of("provenance.noAggregate", qid, measureNames(q))));
      return;
    }
    List<String> keyValues = new ArrayList<>(k);
    for (int r = 0; r < t.rows(); r++) {
      if (t.isTotalRow(r) && !q.hasGroupingSets()) {
        continue; // a margin the query did not compute: judged on the file's numbers
      }
      String rowKey = null;
      for (Map.Entry<Integer, Integer> e : measureToQuery.entrySet()) {
        int m = e.getKey();
        int j = e.getValue();
        if (rowKey == null || pivotKey >= 0) {
          keyValues.clear();
          for (int i = 0; i < k; i++) {
            keyValues.add(i == pivotKey ? Numbers.canonicalKey(t.measureName(m)) : Numbers.canonicalKey(t.label(r, keyToLabel[i])));
          }
          rowKey = ProvenanceResult.key(keyValues);
        }
        ProvenanceResult.Cell cell = pr.cells().get(rowKey);
        int id = t.cellId(r, m);
        int col = t.measureColumn(m);
        double fileValue = t.value(r, m);
        covered[id] = true;
        if (cell == null) {
          facts.setPersons(id, 0);
          if (!Double.isNaN(fileValue) && fileValue != 0 && !q.filtersCells()) {
            mismatch(out, mismatches, r, col, Detail.of("provenance.noCell", keyValues, qid, fmt(fileValue)),
                Map.of("file", fileValue));
          }
          continue;
        }
        applyFacts(t.kind(m), q.measures().get(j), cell, j, id, facts);
        double v = cell.value()[j];
        if (!Double.isNaN(fileValue)) {
          String printed = t.raw().cell(r, col);
          double tol = Math.max(rules.provenanceTolerance * Math.abs(v), 0.5 * Math.pow(10, -Numbers.decimals(printed))) + 1e-9;
          if (Double.isNaN(v) || Math.abs(v - fileValue) > tol) {
            Map<String, Object> nums = new java.util.LinkedHashMap<>();
            nums.put("file", fileValue);
            nums.put("recomputed", Double.isNaN(v) ? "null" : v);
            mismatch(out, mismatches, r, col, Double.isNaN(v) ? Detail.of("provenance.differsNoValue", fmt(fileValue), qid)
                : Detail.of("provenance.differs", fmt(fileValue), qid, fmt(v)), nums);
          }
        }
      }
    }
  }

  private static void applyFacts(MeasureKind kind, AggregateQuery.Measure m, ProvenanceResult.Cell cell, int j, int id,
                                 CellFacts facts) {
    if (kind == MeasureKind.COUNT && m.arg() == null) {
      facts.setPersons(id, cell.persons());
    } else {
      // An aggregate of an argument (COUNT(x), a FILTERed count, SUM …) rests on the persons with a non-null argument.
      double n = cell.contributors()[j];
      facts.setPersons(id, Double.isNaN(n) ? cell.persons() : n);
    }
    if (!Double.isNaN(cell.total()[j])) {
      facts.setContributions(id, cell.total()[j], cell.top1()[j], cell.top2()[j]);
    }
    if (!Double.isNaN(cell.holders()[j])) {
      facts.setHolders(id, cell.holders()[j]);
    }
  }

  private static void mismatch(List<Finding> out, int[] count, int r, int col, Detail msg, Map<String, Object> nums) {
    if (++count[0] <= MAX_MISMATCH_FINDINGS) {
      out.add(Finding.cell(Rule.PROVENANCE_MISMATCH, Status.FAIL, r, col, msg, nums));
    }
  }

  private static String keyNames(AggregateQuery q) {
    List<String> n = new ArrayList<>();
    q.keys().forEach(key -> n.add(key.name()));
    return n.toString();
  }

  private static String measureNames(AggregateQuery q) {
    List<String> n = new ArrayList<>();
    q.measures().forEach(m -> n.add(m.name().toLowerCase(Locale.ROOT)));
    return n.toString();
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
  }
}
