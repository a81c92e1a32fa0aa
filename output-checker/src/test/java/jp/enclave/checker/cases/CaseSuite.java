package jp.enclave.checker.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import jp.enclave.checker.OutputChecker;
import jp.enclave.checker.history.InMemoryReleaseHistory;
import jp.enclave.checker.history.ReleasedTable;
import jp.enclave.checker.input.DuckDbConnections;
import jp.enclave.checker.input.InputLimits;
import jp.enclave.checker.input.TableReader;
import jp.enclave.checker.provenance.CitedQueries;
import jp.enclave.checker.provenance.CitedQuery;
import jp.enclave.checker.pseudonyms.PseudonymSet;
import jp.enclave.checker.report.ItemResult;
import jp.enclave.checker.request.ExportItem;
import jp.enclave.checker.request.ExportRequest;
import jp.enclave.checker.request.ItemType;
import jp.enclave.checker.rules.Finding;
import jp.enclave.checker.rules.RuleSet;
import jp.enclave.checker.rules.Status;
import jp.enclave.checker.table.TableInterpreter;

/**
 * The labelled case suite (src/test/resources/cases/cases.yaml): each case is a small export item
 * with a label (safe or unsafe: "unsafe" means it must not pass automatically), the expected
 * verdict and, where it matters, the exact failing cells as "rule@row,column". Used by the tests
 * and by the benchmark, which prints recall on unsafe cases and the false-alarm rate.
 */
public final class CaseSuite {
  public static final String PROJECT = "P1";

  public record Case(String id, String label, String rule, String source, JsonNode spec) {
    public boolean unsafe() {
      return label.equals("unsafe");
    }

    public Status expect() {
      return Status.parse(spec.path("expect").asText(), id + ".expect");
    }

    @Override
    public String toString() {
      return id;
    }
  }

  public record Outcome(Case c, ItemResult result, List<String> failingCells, String problem) {
    public boolean ok() {
      return problem.isEmpty();
    }

    public boolean flagged() {
      return result.status() != Status.PASS;
    }
  }

  private CaseSuite() {}

  public static List<Case> load() throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    try (InputStream in = CaseSuite.class.getResourceAsStream("/cases/cases.yaml")) {
      if (in == null) {
        throw new IOException("cases/cases.yaml is not on the test classpath");
      }
      JsonNode root = yaml.readTree(in);
      List<Case> out = new ArrayList<>();
      for (JsonNode n : root) {
        out.add(new Case(n.path("id").asText(), n.path("label").asText(), n.path("rule").asText(), n.path("source").asText(""), n));
      }
      return out;
    }
  }

  public static Outcome run(Case c, Path work) throws Exception {
    JsonNode s = c.spec();
    Path dir = Files.createDirectories(work.resolve(c.id()));
    ItemType type = ItemType.parse(s.path("type").asText());
    String file = s.path("file").asText(defaultName(type));
    writeFile(dir, file, s);
    RuleSet rules = RuleSet.defaults();
    if (s.has("rules")) {
      rules = rules.withOverrides(new ObjectMapper().convertValue(s.get("rules"), Map.class));
    }
    InputLimits limits = InputLimits.defaults();
    if (s.has("limits")) {
      JsonNode l = s.get("limits");
      if (l.has("max_file_bytes")) {
        limits = limits.withMaxFileBytes(l.get("max_file_bytes").asLong());
      }
      if (l.has("max_rows")) {
        limits = limits.withMaxRows(l.get("max_rows").asLong());
      }
      if (l.has("max_uncompressed_bytes")) {
        limits = limits.withMaxUncompressedBytes(l.get("max_uncompressed_bytes").asLong());
      }
    }
    ExportItem item = new ExportItem("item", type, file, null, null, List.of(), strings(s.get("label_columns")), measures(s),
        s.path("comment").asText(""));
    if (s.has("table")) {
      Files.writeString(dir.resolve("table.csv"), s.get("table").asText(), StandardCharsets.UTF_8);
      item = item.withTable("table.csv", ItemType.parse(s.path("table_type").asText("frequency")));
    }
    OutputChecker checker = OutputChecker.create().withRules(rules).withLimits(limits);
    if (s.has("released")) {
      InMemoryReleaseHistory h = new InMemoryReleaseHistory();
      Path rel = dir.resolve("released.csv");
      Files.writeString(rel, s.get("released").asText(), StandardCharsets.UTF_8);
      var raw = new TableReader(limits).read(rel, "released.csv");
      h.add(PROJECT, new ReleasedTable("release-2024-001", "t1", new TableInterpreter(rules).interpret(raw,
          ExportItem.of("t1", ItemType.FREQUENCY, "released.csv"), ItemType.FREQUENCY)));
      checker = checker.withHistory(h);
    }
    Connection conn = null;
    try {
      if (s.has("extract")) {
        conn = DuckDbConnections.inMemory();
        try (Statement st = conn.createStatement()) {
          for (String sql : s.get("extract").asText().split(";")) {
            if (!sql.isBlank()) {
              st.execute(sql);
            }
          }
        }
        checker = checker.withPseudonyms(PseudonymSet.fromExtract(conn));
      }
      if (s.has("query") || s.has("queries")) {
        Map<String, CitedQuery> qs = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>();
        if (s.has("query")) {
          qs.put("q1", new CitedQuery("q1", s.path("query_project").asText(PROJECT), "u1", s.get("query").asText()));
          ids.add(s.path("cite").asText("q1"));
        }
        checker = checker.withProvenance(CitedQueries.of(qs), conn);
        item = item.withQueries(ids);
      }
      ExportRequest req = new ExportRequest("req-" + c.id(), PROJECT, "researcher", dir, List.of(item));
      ItemResult result = checker.checkItem(req, item);
      return judge(c, result);
    } finally {
      if (conn != null) {
        conn.close();
      }
    }
  }

  private static Outcome judge(Case c, ItemResult result) {
    JsonNode s = c.spec();
    TreeSet<String> failing = new TreeSet<>();
    for (Finding f : result.cellFindings()) {
      if (f.status() == Status.FAIL) {
        failing.add(f.rule() + "@" + f.row() + "," + f.column());
      }
    }
    List<String> problems = new ArrayList<>();
    if (result.status() != c.expect()) {
      problems.add("status " + result.status().word() + ", expected " + c.expect().word());
    }
    if (s.has("expect_cells")) {
      TreeSet<String> expected = new TreeSet<>(strings(s.get("expect_cells")));
      if (!expected.equals(failing)) {
        problems.add("failing cells " + failing + ", expected " + expected);
      }
    }
    TreeSet<String> secondary = new TreeSet<>();
    for (Finding f : result.cellFindings()) {
      if (f.rule().equals(jp.enclave.checker.rules.Rule.SECONDARY) && result.plan() != null
          && result.plan().secondary().contains(result.stat().cellId(f.row(), measureIndex(result, f.column())))) {
        secondary.add(f.row() + "," + f.column());
      }
    }
    if (s.has("expect_secondary") && !new TreeSet<>(strings(s.get("expect_secondary"))).equals(secondary)) {
      problems.add("secondary cells " + secondary + ", expected " + strings(s.get("expect_secondary")));
    }
    if (s.has("expect_secondary_count") && secondary.size() != s.get("expect_secondary_count").asInt()) {
      problems.add(secondary.size() + " secondary cells " + secondary + ", expected " + s.get("expect_secondary_count").asInt());
    }
    if ((s.has("expect_secondary") || s.has("expect_secondary_count")) && result.plan() != null
        && !result.plan().audits().stream().allMatch(a -> a.isProtected())) {
      problems.add("the suggested table leaves a primary cell recomputable: " + result.plan().audits());
    }
    if (s.has("expect_rules")) {
      TreeSet<String> rulesSeen = new TreeSet<>();
      for (Finding f : result.findings()) {
        if (f.status() != Status.PASS) {
          rulesSeen.add(f.rule());
        }
      }
      for (String r : strings(s.get("expect_rules"))) {
        if (!rulesSeen.contains(r)) {
          problems.add("rule " + r + " not reported (saw " + rulesSeen + ")");
        }
      }
    }
    if (s.has("expect_message")) {
      String needle = s.get("expect_message").asText();
      boolean found = result.findings().stream().anyMatch(f -> f.message().contains(needle));
      if (!found) {
        problems.add("no finding mentions '" + needle + "': " + result.findings());
      }
    }
    return new Outcome(c, result, List.copyOf(failing), String.join("; ", problems));
  }

  private static int measureIndex(ItemResult r, int column) {
    for (int m = 0; m < r.stat().measures(); m++) {
      if (r.stat().measureColumn(m) == column) {
        return m;
      }
    }
    return -1;
  }

  private static String defaultName(ItemType type) {
    switch (type) {
      case FIGURE: return "figure.png";
      case CODE: return "analysis.sql";
      case TEXT: return "notes.txt";
      default: return "table.csv";
    }
  }

  private static void writeFile(Path dir, String file, JsonNode s) throws Exception {
    Path target = dir.resolve(file).normalize();
    if (!target.startsWith(dir)) {
      return; // a traversal case: the file deliberately points outside and must be refused
    }
    String gen = s.path("generate").asText("");
    String content = s.path("content").asText("");
    if (s.has("content_resource")) {
      // A fixture written by the real tool (e.g. a model summary printed by statsmodels or R).
      try (InputStream in = CaseSuite.class.getResourceAsStream(s.get("content_resource").asText())) {
        if (in == null) {
          throw new IOException("missing test resource " + s.get("content_resource").asText());
        }
        content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    switch (gen) {
      case "": Files.writeString(target, content, StandardCharsets.UTF_8); break;
      case "bom": Files.write(target, concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, content.getBytes(StandardCharsets.UTF_8))); break;
      case "shift_jis_line": {
        // UTF-8 file whose last line was pasted from a Shift_JIS spreadsheet.
        String[] parts = content.split("\n", 2);
        Files.write(target, concat(parts[0].concat("\n").getBytes(StandardCharsets.UTF_8), parts[1].getBytes(Charset.forName("Shift_JIS"))));
        break;
      }
      case "nul": Files.write(target, concat(content.getBytes(StandardCharsets.UTF_8), new byte[] {0, 1, 2, 3})); break;
      case "png": Files.write(target, Base64.getDecoder().decode(
          "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")); break;
      case "svg": Files.writeString(target, content, StandardCharsets.UTF_8); break;
      case "zip_bomb": {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos)) {
          z.putNextEntry(new ZipEntry("data.csv"));
          byte[] zeros = new byte[1 << 20];
          for (int i = 0; i < 64; i++) {
            z.write(zeros);
          }
          z.closeEntry();
        }
        Files.write(target, bos.toByteArray());
        break;
      }
      case "xlsx": {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos)) {
          z.putNextEntry(new ZipEntry("[Content_Types].xml"));
          z.write("<Types/>".getBytes(StandardCharsets.UTF_8));
          z.closeEntry();
          z.putNextEntry(new ZipEntry("xl/worksheets/sheet1.xml"));
          z.write("<worksheet/>".getBytes(StandardCharsets.UTF_8));
          z.closeEntry();
        }
        Files.write(target, bos.toByteArray());
        break;
      }
      case "parquet": {
        Path csv = dir.resolve("source.csv.txt");
        Files.writeString(csv, content, StandardCharsets.UTF_8);
        try (Connection c = DuckDbConnections.inMemory(); Statement st = c.createStatement()) {
          st.execute("COPY (SELECT * FROM read_csv(" + DuckDbConnections.literal(csv.toString()) + ", header=true)) TO "
              + DuckDbConnections.literal(target.toString()) + " (FORMAT parquet)");
        }
        Files.delete(csv);
        break;
      }
      case "big": {
        StringBuilder sb = new StringBuilder(content);
        while (sb.length() < 5000) {
          sb.append("x,10\n");
        }
        Files.writeString(target, sb.toString(), StandardCharsets.UTF_8);
        break;
      }
      default: throw new IllegalArgumentException("unknown generator " + gen);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static List<String> strings(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    n.forEach(v -> out.add(v.asText()));
    return out;
  }

  private static Map<String, String> measures(JsonNode s) {
    if (!s.has("measures")) {
      return null;
    }
    Map<String, String> m = new LinkedHashMap<>();
    s.get("measures").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
    return m;
  }

  /** Recall on unsafe cases (flagged: not passed), false-alarm rate on safe cases, and agreement. */
  public record Summary(int cases, int unsafe, int unsafeFlagged, int unsafeFailed, int safe, int safeFlagged, int agreeing) {
    public double recall() { return unsafe == 0 ? 1 : (double) unsafeFlagged / unsafe; }
    public double strictRecall() { return unsafe == 0 ? 1 : (double) unsafeFailed / unsafe; }
    public double falseAlarmRate() { return safe == 0 ? 0 : (double) safeFlagged / safe; }
  }

  public static Summary summarize(List<Outcome> outcomes) {
    int unsafe = 0, flagged = 0, failed = 0, safe = 0, safeFlagged = 0, ok = 0;
    for (Outcome o : outcomes) {
      if (o.c().unsafe()) {
        unsafe++;
        flagged += o.flagged() ? 1 : 0;
        failed += o.result().status() == Status.FAIL ? 1 : 0;
      } else {
        safe++;
        safeFlagged += o.flagged() ? 1 : 0;
      }
      ok += o.ok() ? 1 : 0;
    }
    return new Summary(outcomes.size(), unsafe, flagged, failed, safe, safeFlagged, ok);
  }
}
