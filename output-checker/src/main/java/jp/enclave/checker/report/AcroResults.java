package jp.enclave.checker.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import jp.enclave.checker.rules.Finding;
import jp.enclave.checker.rules.Rule;
import jp.enclave.checker.rules.RuleSet;
import jp.enclave.checker.rules.Status;
import jp.enclave.checker.table.StatTable;

/**
 * Builds results.json in ACRO's layout (acro/record.py finalise_json), so SACRO-Viewer can open
 * it: {@code version}, and {@code results} keyed by uid with status, type, properties,
 * files[{name, sdc{summary, cells}}], outcome {column: {row: "threshold; "}}, command, summary,
 * timestamp, comments, exception. Cell positions are [row, measure] like ACRO's (label columns
 * play the role of ACRO's index; measures are numbered in the file's column order), sorted, so
 * SACRO-Viewer highlights the same cells on every run. Keys that ACRO does not have are only
 * added under properties, except "secondary" cells, which are marked apart from failing ones.
 */
public final class AcroResults {
  /** SACRO-Viewer accepts ACRO 0.4.x metadata. */
  public static final String ACRO_LAYOUT_VERSION = "0.4.12";
  private static final List<String> ACRO_SUMMARY_KEYS = List.of(Rule.NEGATIVE, Rule.MISSING, Rule.THRESHOLD, Rule.P_RATIO,
      Rule.NK_RULE, "all-values-are-same");

  private static final java.util.Comparator<List<Integer>> POSITION_ORDER =
      java.util.Comparator.<List<Integer>>comparingInt(p -> p.get(0)).thenComparingInt(p -> p.get(1));

  private final ObjectMapper mapper = new ObjectMapper();

  /**
   * @param fileNames per item uid, the file names written to the output folder: the checked file
   *                  first, then the suggested safe version when there is one
   */
  public ObjectNode build(CheckReport report, Map<String, List<String>> fileNames) {
    ObjectNode root = mapper.createObjectNode();
    root.put("version", ACRO_LAYOUT_VERSION);
    ObjectNode results = root.putObject("results");
    for (ItemResult r : report.items()) {
      results.set(r.item().id(), record(report, r, fileNames.getOrDefault(r.item().id(), List.of())));
    }
    ObjectNode gen = root.putObject("generator");
    gen.put("name", "enclave output-checker");
    gen.put("request_id", report.request().requestId());
    gen.put("project_id", report.request().projectId());
    gen.put("overall_status", report.overall().word());
    return root;
  }

  /**
   * ACRO's config.json: the risk profile in force under ACRO's key names (acro/default.yaml), as
   * SACRO-Viewer shows it, followed by this checker's full rule tree under {@code enclave_rules}.
   */
  public ObjectNode config(RuleSet rules) {
    ObjectNode c = riskAppetite(rules);
    c.put("check_missing_values", rules.missing != Status.PASS);
    c.set("enclave_rules", rules.asTree());
    return c;
  }

  private ObjectNode riskAppetite(RuleSet rules) {
    ObjectNode ra = mapper.createObjectNode();
    ra.put("safe_threshold", rules.thresholdPersons);
    ra.put("safe_dof_threshold", rules.minDof);
    ra.put("safe_nk_n", rules.nkN);
    ra.put("safe_nk_k", rules.nkK);
    ra.put("safe_pratio_p", rules.pRatio);
    ra.put("survival_safe_threshold", rules.minAtRisk);
    ra.put("zeros_are_disclosive", rules.zeros != Status.PASS);
    return ra;
  }

  private ObjectNode record(CheckReport report, ItemResult r, List<String> files) {
    ObjectNode o = mapper.createObjectNode();
    o.put("uid", r.item().id());
    o.put("status", r.status().word());
    o.put("type", r.item().type().acroType());
    ObjectNode props = o.putObject("properties");
    props.put("method", r.item().type().declared());
    props.put("checked_file", r.checkedFile());
    ArrayNode q = props.putArray("cited_queries");
    r.item().queries().forEach(q::add);
    ArrayNode prov = props.putArray("provenance");
    r.provenance().forEach(p -> prov.add(p.english()));
    props.set("risk_appetite", riskAppetite(report.rules()));
    if (r.plan() != null && !r.plan().audits().isEmpty()) {
      ArrayNode audits = props.putArray("suppression_audit");
      for (var a : r.plan().audits()) {
        ObjectNode an = audits.addObject();
        an.put("row", r.stat().rowOf(a.cellId()));
        an.put("measure", r.stat().measureOf(a.cellId()));
        an.put("value", a.value());
        an.put("lower", a.lower());
        an.put("upper", a.upper());
        an.put("required_width", a.requiredWidth());
        an.put("protected", a.isProtected());
      }
    }

    ObjectNode sdc = sdc(r);
    ArrayNode fa = o.putArray("files");
    for (int i = 0; i < files.size(); i++) {
      ObjectNode f = fa.addObject();
      f.put("name", files.get(i));
      if (i == 0) {
        f.set("sdc", sdc);
      } else {
        ObjectNode safe = mapper.createObjectNode();
        safe.putObject("summary").put("suppressed", true);
        safe.putObject("cells");
        f.set("sdc", safe);
      }
    }
    o.set("outcome", outcome(r));
    o.put("command", "output-checker check " + r.item().type().declared() + " " + r.item().file()
        + (r.item().queries().isEmpty() ? "" : " --queries " + String.join(",", r.item().queries())));
    o.put("summary", summary(r, sdc));
    o.put("timestamp", report.checkedAt().toString());
    ArrayNode comments = o.putArray("comments");
    if (!r.item().comment().isEmpty()) {
      comments.add(r.item().comment());
    }
    for (Finding f : r.findings()) {
      if (!f.isCell() && (f.status() != Status.PASS || !f.rule().equals(Rule.SECONDARY))) {
        comments.add(f.status().word() + " [" + f.rule() + "] " + f.message());
      }
    }
    o.put("exception", "");
    return o;
  }

  private ObjectNode sdc(ItemResult r) {
    ObjectNode sdc = mapper.createObjectNode();
    ObjectNode summary = sdc.putObject("summary");
    summary.put("suppressed", false);
    ObjectNode cells = sdc.putObject("cells");
    Map<String, ArrayNode> byRule = new LinkedHashMap<>();
    for (String k : ACRO_SUMMARY_KEYS) {
      summary.put(k, 0);
      byRule.put(k, cells.putArray(k));
    }
    StatTable t = r.stat();
    Map<Integer, Integer> measureOfColumn = new HashMap<>();
    if (t != null) {
      for (int m = 0; m < t.measures(); m++) {
        measureOfColumn.put(t.measureColumn(m), m);
      }
    }
    // Positions sorted per rule, so the same check always writes the same file; "secondary"
    // (suppressed only to protect others) is its own key, apart from the failing cells.
    Map<String, TreeSet<List<Integer>>> positions = new LinkedHashMap<>();
    for (Finding f : r.cellFindings()) {
      if (f.status() == Status.PASS && !f.rule().equals(Rule.SECONDARY)) {
        continue;
      }
      int col = measureOfColumn.getOrDefault(f.column(), f.column());
      positions.computeIfAbsent(f.rule(), k -> new TreeSet<>(POSITION_ORDER)).add(List.of(f.row(), col));
    }
    positions.forEach((rule, cellsOfRule) -> {
      ArrayNode arr = byRule.computeIfAbsent(rule, cells::putArray);
      cellsOfRule.forEach(p -> arr.addArray().add(p.get(0)).add(p.get(1)));
      summary.put(rule, cellsOfRule.size());
    });
    return sdc;
  }

  /** ACRO's outcome: per measure column, per row label, "ok" or the failing rules joined by "; ". */
  private ObjectNode outcome(ItemResult r) {
    ObjectNode out = mapper.createObjectNode();
    StatTable t = r.stat();
    if (t == null) {
      return out;
    }
    Map<Long, StringBuilder> marks = new HashMap<>();
    for (Finding f : r.cellFindings()) {
      if (f.status() == Status.PASS && !f.rule().equals(Rule.SECONDARY)) {
        continue;
      }
      marks.computeIfAbsent(((long) f.row() << 32) | f.column(), k -> new StringBuilder()).append(f.rule()).append("; ");
    }
    String[] rowNames = uniqueRowNames(t);
    for (int m = 0; m < t.measures(); m++) {
      ObjectNode col = out.putObject(t.measureName(m));
      for (int row = 0; row < t.rows(); row++) {
        StringBuilder sb = marks.get(((long) row << 32) | t.measureColumn(m));
        col.put(rowNames[row], sb == null ? "ok" : sb.toString());
      }
    }
    return out;
  }

  static String[] uniqueRowNames(StatTable t) {
    String[] names = new String[t.rows()];
    Map<String, Integer> seen = new HashMap<>();
    for (int r = 0; r < t.rows(); r++) {
      String n = t.rowName(r);
      int c = seen.merge(n, 1, Integer::sum);
      names[r] = c == 1 ? n : n + " #" + c;
    }
    return names;
  }

  /** ACRO's summary line, e.g. "fail; threshold: 6 cells may need suppressing; ". */
  private static String summary(ItemResult r, ObjectNode sdc) {
    StringBuilder sb = new StringBuilder(r.status().word()).append("; ");
    Map<String, Integer> counts = new TreeMap<>();
    sdc.path("summary").fields().forEachRemaining(e -> {
      if (e.getValue().isInt() && e.getValue().asInt() > 0 && !e.getKey().equals(Rule.SECONDARY)) {
        counts.put(e.getKey(), e.getValue().asInt());
      }
    });
    for (String k : ACRO_SUMMARY_KEYS) {
      Integer n = counts.remove(k);
      if (n != null) {
        sb.append(k).append(": ").append(n).append(" cells may need suppressing; ");
      }
    }
    counts.forEach((k, n) -> sb.append(k).append(": ").append(n).append(" cells; "));
    for (Finding f : r.findings()) {
      if (!f.isCell() && f.status() != Status.PASS) {
        sb.append(f.rule()).append("; ");
      }
    }
    return sb.toString();
  }
}
