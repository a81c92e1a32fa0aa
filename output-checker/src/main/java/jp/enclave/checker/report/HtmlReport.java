package jp.enclave.checker.report;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import jp.enclave.checker.rules.Finding;
import jp.enclave.checker.rules.Rule;
import jp.enclave.checker.rules.Status;
import jp.enclave.checker.suppression.AuditResult;
import jp.enclave.checker.table.StatTable;

/**
 * The reviewer's page: one self-contained HTML file, no script, a Content-Security-Policy that
 * forbids any. The page is the Pebble template {@code report.peb}; every value it prints is
 * escaped by the engine (auto-escaping on, strict variables, the {@link Html#esc} strategy), so
 * no code path can forget to escape a researcher's text. This class only builds the view:
 * per item the verdict, the reasons, the table with failing cells marked, the safe version and
 * its audit.
 */
public final class HtmlReport {
  /** Large tables show their first rows and every row with a finding, up to this many rows. */
  static final int MAX_ROWS_SHOWN = 2000;
  private static final int HEAD_ROWS = 200;

  private static final PebbleEngine ENGINE = new PebbleEngine.Builder()
      .loader(classpath())
      .autoEscaping(true)
      .addEscapingStrategy("enclave-html", Html::esc)
      .defaultEscapingStrategy("enclave-html")
      .strictVariables(true)
      .newLineTrimming(true)
      .extension(new ReportTexts.Extension())
      .build();
  private static final PebbleTemplate TEMPLATE = ENGINE.getTemplate("report.peb");

  private static ClasspathLoader classpath() {
    ClasspathLoader l = new ClasspathLoader(HtmlReport.class.getClassLoader());
    l.setPrefix("jp/enclave/checker/report");
    return l;
  }

  /** The report in English. */
  public String render(CheckReport report) {
    return render(report, Locale.ENGLISH);
  }

  /** The report in one of {@link ReportTexts#LANGUAGES}: the same content, every word of the page in that language. */
  public String render(CheckReport report, Locale locale) {
    if (ReportTexts.LANGUAGES.stream().noneMatch(l -> l.getLanguage().equals(locale.getLanguage()))) {
      throw new IllegalArgumentException("the report is written in " + ReportTexts.LANGUAGES + ", not " + locale);
    }
    Map<String, Object> model = new HashMap<>();
    model.put("report", report);
    model.put("rules", report.rules());
    model.put("items", report.items().stream().map(r -> item(r, report.rules().suppressionMarker, locale)).toList());
    StringWriter out = new StringWriter(64 * 1024);
    try {
      TEMPLATE.evaluate(out, model, locale);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** One table cell as shown: its text, the class that colours it and the reasons on hover. */
  public record Cell(String value, String cls, String title) {}

  public record Row(int number, List<Cell> cells) {}

  public record Reason(String row, String column, String rule, String verdict, String why, String numbers) {}

  public record ItemLevel(String status, String rule, String column, String message) {}

  public record Audit(String row, String column, String value, String interval, String required, boolean isProtected) {}

  /** How often a rule did not pass for an item (the summary table's reasons). */
  public record RuleCount(String rule, int count) {}

  public record Item(ItemResult result, String status, List<RuleCount> reasons, String underlying, String queries, String provenance,
                     List<ItemLevel> findings, List<String> header, List<Row> rows, int rowCount, List<Reason> cellReasons,
                     int moreReasons, List<Row> safeRows, String marker, List<Audit> audits) {}

  private static Item item(ItemResult r, String marker, Locale locale) {
    String underlying = r.checkedFile() != null && !r.checkedFile().equals(r.item().file()) ? r.checkedFile() : "";
    String provenance = String.join("; ", r.provenance().stream().map(p -> p.render(locale)).toList());
    List<ItemLevel> itemLevel = new ArrayList<>();
    for (Finding f : r.findings()) {
      if (!f.isCell()) {
        String column = f.column() >= 0 && r.table() != null && f.column() < r.table().columnCount()
            ? r.table().header().get(f.column()) : "";
        itemLevel.add(new ItemLevel(f.status().word(), f.rule(), column, f.message(locale)));
      }
    }
    if (r.table() == null) {
      return new Item(r, r.status().word(), reasonSummary(r), underlying, String.join(", ", r.item().queries()), provenance, itemLevel,
          List.of(), List.of(), 0, List.of(), 0, List.of(), marker, List.of());
    }
    Map<Long, List<Finding>> byCell = new HashMap<>();
    for (Finding f : r.cellFindings()) {
      byCell.computeIfAbsent(key(f.row(), f.column()), k -> new ArrayList<>()).add(f);
    }
    List<Row> rows = new ArrayList<>();
    for (int row : rowsToShow(r, byCell)) {
      rows.add(submittedRow(r, row, byCell, locale));
    }
    List<Finding> cells = r.cellFindings().stream().filter(f -> f.status() != Status.PASS || f.rule().equals(Rule.SECONDARY))
        .toList();
    List<Reason> reasons = new ArrayList<>();
    for (Finding f : cells.subList(0, Math.min(cells.size(), MAX_ROWS_SHOWN))) {
      reasons.add(new Reason(rowName(r, f.row()), r.table().header().get(f.column()), f.rule(),
          f.rule().equals(Rule.SECONDARY) ? "suppress" : f.status().word(), f.message(locale), numbers(f.numbers())));
    }
    List<Row> safe = new ArrayList<>();
    if (r.safeRows() != null) {
      for (int row = 0; row < Math.min(r.safeRows().size(), MAX_ROWS_SHOWN); row++) {
        safe.add(safeRow(r, row, marker));
      }
    }
    List<Audit> audits = new ArrayList<>();
    if (r.plan() != null) {
      StatTable t = r.stat();
      for (AuditResult a : r.plan().audits()) {
        audits.add(new Audit(t.rowName(t.rowOf(a.cellId())), t.measureName(t.measureOf(a.cellId())), num(a.value()),
            "[" + num(a.lower()) + ", " + num(a.upper()) + "]", num(a.requiredWidth()), a.isProtected()));
      }
    }
    return new Item(r, r.status().word(), reasonSummary(r), underlying, String.join(", ", r.item().queries()), provenance, itemLevel,
        r.table().header(), rows, r.table().rowCount(), reasons, Math.max(0, cells.size() - MAX_ROWS_SHOWN), safe, marker,
        audits);
  }

  private static Row submittedRow(ItemResult r, int row, Map<Long, List<Finding>> byCell, Locale locale) {
    String[] values = r.table().rows().get(row);
    List<Cell> cells = new ArrayList<>(values.length);
    for (int c = 0; c < values.length; c++) {
      List<Finding> fs = byCell.get(key(row, c));
      String cls = "";
      StringBuilder title = new StringBuilder();
      if (fs != null) {
        Status worst = Status.PASS;
        boolean secondary = false;
        for (Finding f : fs) {
          if (f.rule().equals(Rule.SECONDARY)) {
            secondary = true;
          } else {
            worst = worst.worst(f.status());
          }
          title.append(ReportTexts.rule(locale, f.rule())).append(": ").append(f.message(locale)).append('\n');
        }
        cls = worst == Status.FAIL ? "fail" : worst == Status.REVIEW ? "review" : secondary ? "secondary" : "";
      }
      cells.add(new Cell(values[c], cls, title.toString().strip()));
    }
    return new Row(row + 1, cells);
  }

  private static Row safeRow(ItemResult r, int row, String marker) {
    String[] values = r.safeRows().get(row);
    List<Cell> cells = new ArrayList<>(values.length);
    for (int c = 0; c < values.length; c++) {
      boolean suppressed = marker.equals(values[c]) && !marker.equals(r.table().cell(row, c));
      cells.add(new Cell(values[c], suppressed ? "safe-suppressed" : "", ""));
    }
    return new Row(row + 1, cells);
  }

  private static List<RuleCount> reasonSummary(ItemResult r) {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    for (Finding f : r.findings()) {
      if (f.status() != Status.PASS) {
        counts.merge(f.rule(), 1, Integer::sum);
      }
    }
    List<RuleCount> parts = new ArrayList<>();
    counts.forEach((k, v) -> parts.add(new RuleCount(k, v)));
    return parts;
  }

  private static List<Integer> rowsToShow(ItemResult r, Map<Long, List<Finding>> byCell) {
    int n = r.table().rowCount();
    TreeSet<Integer> rows = new TreeSet<>();
    for (int i = 0; i < Math.min(n, n <= MAX_ROWS_SHOWN ? n : HEAD_ROWS); i++) {
      rows.add(i);
    }
    for (long k : new TreeSet<>(byCell.keySet())) {
      if (rows.size() >= MAX_ROWS_SHOWN) {
        break;
      }
      rows.add((int) (k >>> 32));
    }
    return new ArrayList<>(rows);
  }

  private static String rowName(ItemResult r, int row) {
    return r.stat() != null ? (row + 1) + ": " + r.stat().rowName(row) : String.valueOf(row + 1);
  }

  private static long key(int row, int col) {
    return ((long) row << 32) | (col & 0xffffffffL);
  }

  private static String numbers(Map<String, Object> nums) {
    List<String> parts = new ArrayList<>();
    nums.forEach((k, v) -> parts.add(k + "=" + (v instanceof Double d ? num(d) : String.valueOf(v))));
    return String.join(", ", parts);
  }

  private static String num(double d) {
    if (Double.isInfinite(d)) {
      return d > 0 ? "∞" : "-∞";
    }
    if (Double.isNaN(d)) {
      return "?";
    }
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.format(java.util.Locale.ROOT, "%.4g", d);
  }
}
