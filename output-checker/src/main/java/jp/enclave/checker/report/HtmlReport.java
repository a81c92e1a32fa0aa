package jp.enclave.checker.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jp.enclave.checker.rules.Finding;
import jp.enclave.checker.rules.Rule;
import jp.enclave.checker.rules.Status;
import jp.enclave.checker.suppression.AuditResult;
import jp.enclave.checker.table.StatTable;

/**
 * The reviewer's page: one self-contained HTML file, no script, a Content-Security-Policy that
 * forbids any, and every value escaped. Per item: the verdict, the reasons, the table with failing
 * cells highlighted and their rule and numbers, the suggested safe version and its audit.
 */
public final class HtmlReport {
  /** Large tables show their first rows and every row with a finding, up to this many rows. */
  static final int MAX_ROWS_SHOWN = 2000;
  private static final int HEAD_ROWS = 200;

  public String render(CheckReport report) {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
        .append("<meta name=\"referrer\" content=\"no-referrer\">")
        .append("<title>Export check ").append(Html.esc(report.request().requestId())).append("</title><style>")
        .append("body{font-family:system-ui,'Noto Sans JP',sans-serif;margin:1.5em;color:#222}")
        .append("table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:2px 6px;font-size:13px}")
        .append("th{background:#eee}td.fail{background:#f8c4c4;font-weight:bold}td.review{background:#fde8a8}")
        .append("td.secondary{background:#c9ddf7}td.safe-suppressed{background:#ddd;color:#555}")
        .append(".badge{padding:2px 8px;border-radius:4px;color:#fff;font-weight:bold}.b-fail{background:#b00020}")
        .append(".b-review{background:#b26a00}.b-pass{background:#2e7d32}.item{border-top:2px solid #999;margin-top:1.5em}")
        .append(".legend span{padding:0 6px;margin-right:6px}small{color:#555}")
        .append("</style></head><body>\n");
    h.append("<h1>Export request ").append(Html.esc(report.request().requestId())).append(" ")
        .append(badge(report.overall())).append("</h1>");
    h.append("<p>Project <b>").append(Html.esc(report.request().projectId())).append("</b>, researcher <b>")
        .append(Html.esc(report.request().researcher())).append("</b>, checked ").append(Html.esc(report.checkedAt().toString()))
        .append(". Rules: threshold ").append(report.rules().thresholdPersons).append(" persons; (n,k) = (")
        .append(report.rules().nkN).append(", ").append(report.rules().nkK).append("); p% = ").append(report.rules().pRatio)
        .append("; degrees of freedom ≥ ").append(report.rules().minDof).append("; at risk ≥ ").append(report.rules().minAtRisk)
        .append(".</p>");
    h.append("<p class=\"legend\"><span style=\"background:#f8c4c4\">fails a rule</span>")
        .append("<span style=\"background:#fde8a8\">for review</span>")
        .append("<span style=\"background:#c9ddf7\">suppressed in the safe version to protect a failing cell</span></p>");
    h.append("<table><tr><th>item</th><th>type</th><th>file</th><th>verdict</th><th>reasons</th></tr>");
    for (ItemResult r : report.items()) {
      h.append("<tr><td><a href=\"#item-").append(Html.esc(r.item().id())).append("\">").append(Html.esc(r.item().id()))
          .append("</a></td><td>").append(Html.esc(r.item().type().declared())).append("</td><td>")
          .append(Html.esc(r.item().file())).append("</td><td>").append(badge(r.status())).append("</td><td>")
          .append(Html.esc(reasonSummary(r))).append("</td></tr>");
    }
    h.append("</table>\n");
    for (ItemResult r : report.items()) {
      item(h, r, report.rules().suppressionMarker);
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  private static String badge(Status s) {
    return "<span class=\"badge b-" + s.word() + "\">" + s.word().toUpperCase(java.util.Locale.ROOT) + "</span>";
  }

  private static String reasonSummary(ItemResult r) {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    for (Finding f : r.findings()) {
      if (f.status() != Status.PASS) {
        counts.merge(f.rule(), 1, Integer::sum);
      }
    }
    if (counts.isEmpty()) {
      return "no rule fails";
    }
    List<String> parts = new ArrayList<>();
    counts.forEach((k, v) -> parts.add(k + " ×" + v));
    return String.join(", ", parts);
  }

  private void item(StringBuilder h, ItemResult r, String marker) {
    h.append("<section class=\"item\" id=\"item-").append(Html.esc(r.item().id())).append("\"><h2>")
        .append(Html.esc(r.item().id())).append(" — ").append(Html.esc(r.item().type().declared())).append(" ")
        .append(badge(r.status())).append("</h2>");
    h.append("<p>File <code>").append(Html.esc(r.item().file())).append("</code>");
    if (r.checkedFile() != null && !r.checkedFile().equals(r.item().file())) {
      h.append(", underlying table <code>").append(Html.esc(r.checkedFile())).append("</code>");
    }
    if (!r.item().queries().isEmpty()) {
      h.append(", cites queries <code>").append(Html.esc(String.join(", ", r.item().queries()))).append("</code>");
    }
    h.append(".</p>");
    if (!r.item().comment().isEmpty()) {
      h.append("<p>Researcher's note: <i>").append(Html.esc(r.item().comment())).append("</i></p>");
    }
    if (!r.provenance().isEmpty()) {
      h.append("<p>Provenance: ").append(Html.esc(String.join("; ", r.provenance()))).append("</p>");
    }
    List<Finding> itemLevel = r.findings().stream().filter(f -> !f.isCell()).toList();
    if (!itemLevel.isEmpty()) {
      h.append("<ul>");
      for (Finding f : itemLevel) {
        h.append("<li>").append(badge(f.status())).append(" <b>").append(Html.esc(f.rule())).append("</b>");
        if (f.column() >= 0 && r.table() != null && f.column() < r.table().columnCount()) {
          h.append(" (column ").append(Html.esc(r.table().header().get(f.column()))).append(")");
        }
        h.append(": ").append(Html.esc(f.message())).append("</li>");
      }
      h.append("</ul>");
    }
    if (r.table() == null) {
      h.append("</section>\n");
      return;
    }
    Map<Long, List<Finding>> byCell = new HashMap<>();
    for (Finding f : r.cellFindings()) {
      byCell.computeIfAbsent(key(f.row(), f.column()), k -> new ArrayList<>()).add(f);
    }
    List<Integer> rows = rowsToShow(r, byCell);
    h.append("<h3>Table as submitted</h3>");
    if (rows.size() < r.table().rowCount()) {
      h.append("<p><small>").append(r.table().rowCount()).append(" rows; showing ").append(rows.size())
          .append(" (the first rows and rows with findings).</small></p>");
    }
    table(h, r, rows, byCell, false, marker);
    List<Finding> cells = r.cellFindings().stream().filter(f -> f.status() != Status.PASS || f.rule().equals(Rule.SECONDARY))
        .toList();
    if (!cells.isEmpty()) {
      h.append("<h3>Reasons, cell by cell</h3><table><tr><th>row</th><th>column</th><th>rule</th><th>verdict</th>")
          .append("<th>why</th><th>numbers</th></tr>");
      int shown = 0;
      for (Finding f : cells) {
        if (shown++ >= MAX_ROWS_SHOWN) {
          h.append("<tr><td colspan=\"6\">… ").append(cells.size() - MAX_ROWS_SHOWN).append(" more</td></tr>");
          break;
        }
        h.append("<tr><td>").append(Html.esc(rowName(r, f.row()))).append("</td><td>")
            .append(Html.esc(r.table().header().get(f.column()))).append("</td><td>").append(Html.esc(f.rule()))
            .append("</td><td>").append(f.rule().equals(Rule.SECONDARY) ? "suppress" : f.status().word()).append("</td><td>")
            .append(Html.esc(f.message())).append("</td><td>").append(Html.esc(numbers(f.numbers()))).append("</td></tr>");
      }
      h.append("</table>");
    }
    if (r.safeRows() != null) {
      h.append("<h3>Suggested safe version</h3><p><small>Suppressed cells show <code>").append(Html.esc(marker))
          .append("</code>.</small></p>");
      table(h, r, rowsToShowSafe(r), byCell, true, marker);
    }
    if (r.plan() != null && !r.plan().audits().isEmpty()) {
      h.append("<h3>Attacker audit of the safe version</h3><p><small>For each primary cell, the smallest and largest value "
          + "consistent with everything the safe version publishes (linear programming over its totals).</small></p>")
          .append("<table><tr><th>row</th><th>column</th><th>value</th><th>attacker's interval</th><th>required width</th>")
          .append("<th>protected</th></tr>");
      StatTable t = r.stat();
      for (AuditResult a : r.plan().audits()) {
        h.append("<tr><td>").append(Html.esc(t.rowName(t.rowOf(a.cellId())))).append("</td><td>")
            .append(Html.esc(t.measureName(t.measureOf(a.cellId())))).append("</td><td>").append(num(a.value()))
            .append("</td><td>[").append(num(a.lower())).append(", ").append(num(a.upper())).append("]</td><td>")
            .append(num(a.requiredWidth())).append("</td><td>").append(a.isProtected() ? "yes" : "<b>no</b>").append("</td></tr>");
      }
      h.append("</table>");
    }
    h.append("</section>\n");
  }

  private void table(StringBuilder h, ItemResult r, List<Integer> rows, Map<Long, List<Finding>> byCell, boolean safe,
                     String marker) {
    h.append("<table><tr><th>#</th>");
    for (String col : r.table().header()) {
      h.append("<th>").append(Html.esc(col)).append("</th>");
    }
    h.append("</tr>");
    for (int row : rows) {
      String[] values = safe ? r.safeRows().get(row) : r.table().rows().get(row);
      h.append("<tr><td><small>").append(row + 1).append("</small></td>");
      for (int c = 0; c < values.length; c++) {
        List<Finding> fs = safe ? null : byCell.get(key(row, c));
        String cls = "";
        StringBuilder title = new StringBuilder();
        if (safe) {
          cls = marker.equals(values[c]) && !marker.equals(r.table().cell(row, c)) ? "safe-suppressed" : "";
        } else if (fs != null) {
          Status worst = Status.PASS;
          boolean secondary = false;
          for (Finding f : fs) {
            if (f.rule().equals(Rule.SECONDARY)) {
              secondary = true;
            } else {
              worst = worst.worst(f.status());
            }
            title.append(f.rule()).append(": ").append(f.message()).append('\n');
          }
          cls = worst == Status.FAIL ? "fail" : worst == Status.REVIEW ? "review" : secondary ? "secondary" : "";
        }
        h.append("<td");
        if (!cls.isEmpty()) {
          h.append(" class=\"").append(cls).append("\"");
        }
        if (title.length() > 0) {
          h.append(" title=\"").append(Html.esc(title.toString().strip())).append("\"");
        }
        h.append(">").append(Html.esc(values[c])).append("</td>");
      }
      h.append("</tr>");
    }
    h.append("</table>");
  }

  private static List<Integer> rowsToShow(ItemResult r, Map<Long, List<Finding>> byCell) {
    int n = r.table().rowCount();
    if (n <= MAX_ROWS_SHOWN) {
      List<Integer> all = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        all.add(i);
      }
      return all;
    }
    java.util.TreeSet<Integer> rows = new java.util.TreeSet<>();
    for (int i = 0; i < HEAD_ROWS; i++) {
      rows.add(i);
    }
    for (long k : byCell.keySet()) {
      if (rows.size() >= MAX_ROWS_SHOWN) {
        break;
      }
      rows.add((int) (k >>> 32));
    }
    return new ArrayList<>(rows);
  }

  private static List<Integer> rowsToShowSafe(ItemResult r) {
    List<Integer> rows = new ArrayList<>();
    for (int i = 0; i < Math.min(r.safeRows().size(), MAX_ROWS_SHOWN); i++) {
      rows.add(i);
    }
    return rows;
  }

  private static String rowName(ItemResult r, int row) {
    if (r.stat() != null) {
      return (row + 1) + ": " + r.stat().rowName(row);
    }
    return String.valueOf(row + 1);
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
