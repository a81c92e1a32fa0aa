package jp.enclave.checker.rules;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import jp.enclave.checker.Detail;
import jp.enclave.checker.input.RawTable;
import jp.enclave.checker.table.MeasureKind;
import jp.enclave.checker.table.Numbers;

/**
 * Rows that look like individuals rather than aggregates: a person-identifier column (by name or
 * by shape), day-precise dates in a table without counts, free text, or, with provenance, about
 * as many rows as persons behind the query.
 */
public final class RecordLevelCheck {
  private static final Pattern ID_SHAPE = Pattern.compile("^(?=.*\\d)(?=.*[A-Za-z])[A-Za-z0-9_-]{6,64}$");
  private static final Pattern DAY_DATE = Pattern.compile(
      "^(\\d{4})[-/.年](0?[1-9]|1[0-2])[-/.月](0?[1-9]|[12]\\d|3[01])日?([ T].*)?$|^(19|20)\\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\\d|3[01])$");

  private static final int SAMPLE = 5000;

  private RecordLevelCheck() {}

  /**
   * @param personsBehind distinct persons behind the cited query, or NaN without provenance
   */
  public static void check(RawTable t, RuleSet rules, double personsBehind, List<Finding> out) {
    int rows = t.rowCount();
    boolean hasCount = false;
    for (String h : t.header()) {
      if (MeasureKind.fromName(h) == MeasureKind.COUNT) {
        hasCount = true;
      }
    }
    for (int c = 0; c < t.columnCount(); c++) {
      String name = t.header().get(c).strip();
      if (!name.isEmpty() && rules.idColumnPattern.matcher(name).matches()) {
        out.add(new Finding(Rule.RECORD_LEVEL, Status.FAIL, -1, c,
            Detail.of("recordLevel.idName", name),
            Map.of()));
        continue;
      }
      if (rows < rules.minRowsForShapeChecks) {
        continue;
      }
      Set<String> distinct = new HashSet<>();
      int idShaped = 0;
      int dates = 0;
      long chars = 0;
      int texty = 0;
      int nonMissing = 0;
      // Shape checks read an evenly spaced sample: column shapes show in a few thousand rows, and a
      // million-row table must not cost seconds here.
      int step = Math.max(1, rows / SAMPLE);
      for (int r = 0; r < rows; r += step) {
        String v = t.cell(r, c).strip();
        if (Numbers.isMissing(v)) {
          continue;
        }
        nonMissing++;
        distinct.add(v);
        if (ID_SHAPE.matcher(v).matches() && Double.isNaN(Numbers.parse(v))) {
          idShaped++;
        }
        if (DAY_DATE.matcher(v).matches()) {
          dates++;
        }
        chars += v.length();
        if (v.indexOf(' ') > 0 || v.indexOf('、') > 0 || v.indexOf('。') > 0) {
          texty++;
        }
      }
      if (nonMissing == 0) {
        continue;
      }
      double distinctShare = (double) distinct.size() / nonMissing;
      if (distinctShare >= rules.distinctIdShare && idShaped >= rules.distinctIdShare * nonMissing) {
        out.add(new Finding(Rule.RECORD_LEVEL, Status.FAIL, -1, c,
            Detail.of("recordLevel.distinctIds", name, distinct.size(), nonMissing),
            Map.of("distinct", distinct.size(), "rows", nonMissing)));
      } else if (!hasCount && dates >= rules.exactDateShare * nonMissing) {
        out.add(new Finding(Rule.RECORD_LEVEL, Status.FAIL, -1, c,
            Detail.of("recordLevel.exactDates", name),
            Map.of("exact_dates", dates, "rows", nonMissing)));
      } else if ((double) chars / nonMissing >= rules.freeTextMinChars && texty >= nonMissing / 2) {
        out.add(new Finding(Rule.RECORD_LEVEL, Status.FAIL, -1, c,
            Detail.of("recordLevel.freeText", name, chars / nonMissing),
            Map.of("average_chars", chars / nonMissing)));
      }
    }
    if (!Double.isNaN(personsBehind) && personsBehind > 0 && rows >= rules.minRowsForShapeChecks
        && rows >= rules.rowsToPersonsRatio * personsBehind) {
      out.add(Finding.item(Rule.RECORD_LEVEL, Status.FAIL,
          Detail.of("recordLevel.rowPerPerson", rows, ThresholdCheck.fmt(personsBehind))));
    }
  }
}
