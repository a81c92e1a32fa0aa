package jp.enclave.checker.table;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import jp.enclave.checker.Detail;
import jp.enclave.checker.Refusal;
import jp.enclave.checker.input.InputRefusal;
import jp.enclave.checker.input.RawTable;
import jp.enclave.checker.request.ExportItem;
import jp.enclave.checker.request.ItemType;
import jp.enclave.checker.rules.RuleSet;

/**
 * Turns a {@link RawTable} into a {@link StatTable}: the researcher's declaration wins; otherwise
 * labels and measures are inferred from column names and contents, and margins from total labels.
 */
public final class TableInterpreter {
  private static final Pattern LABEL_NAME = Pattern.compile(
      "(?i)^(year|yr|month|date|age|age_?band|age_?group|sex|gender|region|prefecture|code|.*_code|.*_id|.*_band|.*_group|"
          + ".*_cat|category|group|年|年度|年齢.*|性別|月|都道府県|地域|区分|.*コード|.*区分|.*群)$");
  private final RuleSet rules;

  public TableInterpreter(RuleSet rules) {
    this.rules = rules;
  }

  public StatTable interpret(RawTable raw, ExportItem item, ItemType type) throws Refusal {
    Set<Integer> labels = new LinkedHashSet<>();
    Set<Integer> measures = new LinkedHashSet<>();
    List<Detail> doubts = new ArrayList<>();
    chooseColumns(raw, item, labels, measures, doubts);
    int[] labelCols = labels.stream().mapToInt(Integer::intValue).toArray();
    // File column order, whatever order a declaration lists them in: results.json positions count
    // measures this way, as the viewer counts the columns it shows.
    int[] measureCols = measures.stream().mapToInt(Integer::intValue).sorted().toArray();
    if (measureCols.length == 0) {
      throw InputRefusal.badDeclaration(raw.source(), "no measure column was found: declare \"measures\" for this item");
    }
    MeasureKind[] kinds = new MeasureKind[measureCols.length];
    boolean[] totalMeasure = new boolean[measureCols.length];
    for (int m = 0; m < measureCols.length; m++) {
      String name = raw.header().get(measureCols[m]);
      kinds[m] = kindOf(raw, item, type, name);
      totalMeasure[m] = rules.isTotalLabel(name) && measureCols.length > 2;
    }
    Cells cells = readCells(raw, measureCols);
    boolean[] totalRow = new boolean[raw.rowCount()];
    for (int r = 0; r < raw.rowCount(); r++) {
      for (int lc : labelCols) {
        totalRow[r] |= rules.isTotalLabel(raw.cell(r, lc));
      }
    }
    List<Detail> notes = new ArrayList<>();
    List<Constraint> constraints = new ArrayList<>();
    deriveConstraints(raw, labelCols, kinds, totalMeasure, totalRow, cells.values(), cells.halfUnit(), measureCols.length,
        constraints, notes);
    return new StatTable(raw, labelCols, measureCols, kinds, cells.values(), cells.suppressed(), totalRow, totalMeasure,
        constraints, notes, doubts);
  }

  /** The researcher's declaration wins; what it leaves open is inferred. */
  private void chooseColumns(RawTable raw, ExportItem item, Set<Integer> labels, Set<Integer> measures, List<Detail> doubts)
      throws Refusal {
    int cols = raw.columnCount();
    Map<String, Integer> byName = new HashMap<>();
    for (int c = 0; c < cols; c++) {
      byName.putIfAbsent(raw.header().get(c), c);
    }
    if (item.labelColumns() != null) {
      for (String l : item.labelColumns()) {
        labels.add(column(byName, l, raw, "label_columns"));
      }
    }
    if (item.measures() != null) {
      for (String m : item.measures().keySet()) {
        measures.add(column(byName, m, raw, "measures"));
      }
    }
    if (item.labelColumns() != null && item.measures() == null) {
      for (int c = 0; c < cols; c++) {
        if (!labels.contains(c)) {
          measures.add(c);
        }
      }
    } else if (item.labelColumns() == null && item.measures() != null) {
      for (int c = 0; c < cols; c++) {
        if (!measures.contains(c)) {
          labels.add(c);
        }
      }
    } else if (item.labelColumns() == null) {
      boolean[] numeric = new boolean[cols];
      for (int c = 0; c < cols; c++) {
        numeric[c] = isNumericColumn(raw, c);
      }
      inferColumns(raw, numeric, labels, measures, doubts);
    }
  }

  /** Declared kind, else the kind the name says, else count (frequency) or sum (magnitude). */
  private MeasureKind kindOf(RawTable raw, ExportItem item, ItemType type, String name) throws Refusal {
    if (item.measures() != null) {
      String declared = item.measures().get(name);
      MeasureKind k = MeasureKind.parse(declared);
      if (k == null) {
        throw InputRefusal.badDeclaration(raw.source(), "measure '" + name + "' has unknown kind '" + declared
            + "' (use count, sum, mean, median, percentile, min, max, sd or percent)");
      }
      return k;
    }
    MeasureKind k = rules.isTotalLabel(name) ? null : MeasureKind.fromName(name);
    return k != null ? k : type == ItemType.MAGNITUDE ? MeasureKind.SUM : MeasureKind.COUNT;
  }

  /** Measure cells by (row, measure): the number, whether the file suppressed it, half its printed rounding unit. */
  private record Cells(double[] values, boolean[] suppressed, double[] halfUnit) {}

  private Cells readCells(RawTable raw, int[] measureCols) throws Refusal {
    int rows = raw.rowCount();
    int mc = measureCols.length;
    Cells out = new Cells(new double[rows * mc], new boolean[rows * mc], new double[rows * mc]);
    for (int r = 0; r < rows; r++) {
      for (int m = 0; m < mc; m++) {
        String s = raw.cell(r, measureCols[m]);
        int id = r * mc + m;
        if (s.strip().equals(rules.suppressionMarker)) {
          out.suppressed()[id] = true;
          out.values()[id] = Double.NaN;
        } else if (Numbers.isMissing(s)) {
          out.values()[id] = Double.NaN;
        } else {
          double v = Numbers.parse(s);
          if (Double.isNaN(v)) {
            throw InputRefusal.notANumber(raw.source(), raw.line(r), (measureCols[m] + 1) + " '" + raw.header().get(measureCols[m])
                + "'", s);
          }
          out.values()[id] = v;
          int d = Numbers.decimals(s);
          out.halfUnit()[id] = d == 0 ? 0 : 0.5 * Math.pow(10, -d);
        }
      }
    }
    return out;
  }

  private static int column(Map<String, Integer> byName, String name, RawTable raw, String field) throws Refusal {
    Integer c = byName.get(name);
    if (c == null) {
      throw InputRefusal.badDeclaration(raw.source(), field + " names column '" + name + "', which the file does not have");
    }
    return c;
  }

  /**
   * Undeclared columns. Named measures (n, mean_age, 件数 …) make the other numeric columns
   * labels only when every one of those looks like a label (year, age_band, *_code …). A
   * numeric column with neither kind of name beside a count-named one is ambiguous: in ACRO's
   * grant table {@code year,G,N,R,R/G} the "N" is a category like G and R, not a count. Then
   * every such column is checked as a measure and the item goes to review, so a category is
   * never mistaken for a measure and a table never passes on a guess.
   */
  private void inferColumns(RawTable raw, boolean[] numeric, Set<Integer> labels, Set<Integer> measures,
                            List<Detail> doubts) {
    int cols = raw.columnCount();
    List<String> named = new ArrayList<>();
    List<String> unnamed = new ArrayList<>();
    int otherLabels = 0;
    for (int c = 0; c < cols; c++) {
      String h = raw.header().get(c).strip();
      if (!numeric[c] || LABEL_NAME.matcher(h).matches() || (c == 0 && h.isEmpty())) {
        otherLabels++;
      } else if (MeasureKind.fromName(h) != null) {
        named.add(h);
      } else if (!rules.isTotalLabel(h)) {
        unnamed.add(h);
      }
    }
    // One unnamed numeric column and nothing else to label the rows (visit_day,n) is the label.
    boolean ambiguous = !named.isEmpty() && !unnamed.isEmpty() && (otherLabels > 0 || unnamed.size() > 1);
    if (ambiguous) {
      doubts.add(Detail.of("shape.ambiguous", named, unnamed));
    }
    for (int c = 0; c < cols; c++) {
      String h = raw.header().get(c).strip();
      boolean measure;
      if (!numeric[c]) {
        measure = false;
      } else if (!named.isEmpty() && !ambiguous) {
        // Named measures with label-like neighbours: a long table.
        measure = MeasureKind.fromName(h) != null || rules.isTotalLabel(h);
      } else {
        // A cross-tabulation: category headers over numeric cells; leading label-like columns stay labels.
        measure = !LABEL_NAME.matcher(h).matches() && !(c == 0 && h.isEmpty());
      }
      (measure ? measures : labels).add(c);
    }
  }

  private boolean isNumericColumn(RawTable raw, int c) {
    boolean any = false;
    for (int r = 0; r < raw.rowCount(); r++) {
      String s = raw.cell(r, c);
      if (Numbers.isMissing(s) || s.strip().equals(rules.suppressionMarker)) {
        continue;
      }
      if (Double.isNaN(Numbers.parse(s))) {
        return false;
      }
      any = true;
    }
    return any;
  }

  /**
   * Margins found by label: a total column sums the other measures of its row; a row whose label
   * in one column is a total sums the rows that agree with it on every other label. Relations that
   * do not hold in the file's numbers are left out and noted, so the attacker model stays honest.
   */
  private void deriveConstraints(RawTable raw, int[] labelCols, MeasureKind[] kinds, boolean[] totalMeasure,
                                 boolean[] totalRow, double[] values, double[] halfUnit, int mc, List<Constraint> out,
                                 List<Detail> notes) {
    int rows = raw.rowCount();
    int dropped = 0;
    for (int t = 0; t < mc; t++) {
      if (!totalMeasure[t] || !kinds[t].additive()) {
        continue;
      }
      List<Integer> partsM = new ArrayList<>();
      for (int m = 0; m < mc; m++) {
        if (m != t && !totalMeasure[m] && kinds[m] == kinds[t]) {
          partsM.add(m);
        }
      }
      for (int r = 0; r < rows; r++) {
        int[] parts = new int[partsM.size()];
        for (int i = 0; i < parts.length; i++) {
          parts[i] = r * mc + partsM.get(i);
        }
        dropped += add(r * mc + t, parts, values, halfUnit, out) ? 0 : 1;
      }
    }
    for (int j = 0; j < labelCols.length; j++) {
      boolean anyTotal = false;
      for (int r = 0; r < rows && !anyTotal; r++) {
        anyTotal = totalRow[r] && rules.isTotalLabel(raw.cell(r, labelCols[j]));
      }
      if (!anyTotal) {
        continue;
      }
      Map<String, List<Integer>> groups = new HashMap<>();
      Map<String, Integer> totals = new HashMap<>();
      for (int r = 0; r < rows; r++) {
        String key = keyWithout(raw, labelCols, r, j);
        boolean isTotal = rules.isTotalLabel(raw.cell(r, labelCols[j]));
        if (isTotal) {
          totals.put(key, r);
        } else {
          groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
      }
      for (Map.Entry<String, Integer> e : totals.entrySet()) {
        List<Integer> members = groups.get(e.getKey());
        if (members == null || members.isEmpty()) {
          continue;
        }
        for (int m = 0; m < mc; m++) {
          if (!kinds[m].additive()) {
            continue;
          }
          int[] parts = new int[members.size()];
          for (int i = 0; i < parts.length; i++) {
            parts[i] = members.get(i) * mc + m;
          }
          dropped += add(e.getValue() * mc + m, parts, values, halfUnit, out) ? 0 : 1;
        }
      }
    }
    if (dropped > 0) {
      notes.add(Detail.of("shape.marginsDropped", dropped));
    }
  }

  /**
   * Keeps a relation that holds in the file's numbers: exactly, or within the rounding of the
   * printed digits (a margin printed rounded, e.g. sums of costs to one decimal). The tolerance
   * travels with the relation, so the attacker audit solves with it instead of with an exact
   * equation the rounded numbers cannot satisfy.
   */
  private static boolean add(int total, int[] parts, double[] values, double[] halfUnit, List<Constraint> out) {
    double tolerance = halfUnit[total];
    double sum = 0;
    boolean unknownPart = false;
    for (int p : parts) {
      tolerance += halfUnit[p];
      if (Double.isNaN(values[p])) {
        unknownPart = true; // a suppressed part: additivity cannot be verified, assume it holds (worst case for privacy)
      } else {
        sum += values[p];
      }
    }
    Constraint c = new Constraint(total, parts, tolerance);
    double t = values[total];
    if (unknownPart || Double.isNaN(t) || Math.abs(sum - t) <= tolerance + 1e-6 * Math.max(1, Math.abs(t)) + 0.5e-6) {
      out.add(c);
      return true;
    }
    return false;
  }

  private static String keyWithout(RawTable raw, int[] labelCols, int r, int skip) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < labelCols.length; i++) {
      if (i != skip) {
        sb.append(Numbers.canonicalKey(raw.cell(r, labelCols[i]))).append('\u0001');
      }
    }
    return sb.toString();
  }
}
