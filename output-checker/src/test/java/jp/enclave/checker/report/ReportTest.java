package jp.enclave.checker.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jp.enclave.checker.OutputChecker;
import jp.enclave.checker.request.ExportItem;
import jp.enclave.checker.request.ExportRequest;
import jp.enclave.checker.request.ItemType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  @TempDir
  Path dir;

  private CheckReport check() throws Exception {
    Path req = Files.createDirectories(dir.resolve("req"));
    Files.writeString(req.resolve("t.csv"), "year,G,R/G\n2010,15,8\n<script>alert(1)</script>,20,30\n");
    Files.writeString(req.resolve("notes.txt"), "free text");
    ExportRequest r = new ExportRequest("r1", "P1", "u<b>1</b>", req, List.of(
        ExportItem.of("t1", ItemType.FREQUENCY, "t.csv").withLabelColumns(List.of("year")),
        ExportItem.of("n1", ItemType.TEXT, "notes.txt"),
        ExportItem.of("bad", ItemType.FREQUENCY, "missing.csv")));
    return OutputChecker.create().check(r);
  }

  @Test
  void resultsJsonFollowsAcroLayout() throws Exception {
    CheckReport report = check();
    Path out = dir.resolve("out");
    new ReportWriter().write(report, out);
    JsonNode root = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    assertThat(root.path("version").asText()).startsWith("0.4.");
    JsonNode t1 = root.path("results").path("t1");
    for (String key : List.of("uid", "status", "type", "properties", "files", "outcome", "command", "summary", "timestamp",
        "comments", "exception")) {
      assertThat(t1.has(key)).as(key).isTrue();
    }
    assertThat(t1.path("status").asText()).isEqualTo("fail");
    assertThat(t1.path("type").asText()).isEqualTo("table");
    assertThat(t1.path("summary").asText()).startsWith("fail; threshold: 1 cells may need suppressing; ");
    JsonNode file0 = t1.path("files").get(0);
    assertThat(file0.path("name").asText()).isEqualTo("t1_t.csv");
    assertThat(file0.path("sdc").path("summary").path("threshold").asInt()).isEqualTo(1);
    // ACRO positions: [row, measure column], label columns excluded as ACRO excludes its index.
    assertThat(file0.path("sdc").path("cells").path("threshold").get(0).toString()).isEqualTo("[0,1]");
    assertThat(t1.path("outcome").path("R/G").path("2010").asText()).isEqualTo("threshold; ");
    assertThat(t1.path("outcome").path("G").path("2010").asText()).isEqualTo("ok");
    assertThat(t1.path("files").get(1).path("name").asText()).isEqualTo("t1_safe.csv");
    // Every output has at least one file, as SACRO-Viewer requires; refused items get their reasons.
    root.path("results").forEach(r -> assertThat(r.path("files").size()).isGreaterThan(0));
    assertThat(Files.readString(out.resolve("bad_refused.txt"))).contains("FILE_NOT_FOUND");
    assertThat(Files.readString(out.resolve("checksums").resolve("t1_t.csv.txt"))).hasSize(64);
    assertThat(Files.readString(out.resolve("t1_safe.csv"))).contains("2010,15,*");
    assertThat(root.path("results").path("n1").path("status").asText()).isEqualTo("review");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"en", "ja"})
  void htmlIsSelfContainedAndEscapesEverything(String language) throws Exception {
    String html = new HtmlReport().render(check(), java.util.Locale.forLanguageTag(language));
    assertThat(html).contains("Content-Security-Policy").contains("default-src 'none'");
    assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    assertThat(html).doesNotContain("u<b>1</b>").contains("u&lt;b&gt;1&lt;/b&gt;");
    assertThat(html).contains("class=\"fail\"")
        .contains(language.equals("en") ? "rests on 8 persons, fewer than 10" : "8 人に基づく値で、閾値 10 人未満です");
    assertThat(html).doesNotContainPattern("(?i)<(link|img|iframe)\\b").doesNotContain("src=\"http");
  }

  /**
   * SACRO-Viewer highlights sdc.cells positions on the file as shown: measures count in the file's
   * column order even when the request declares them in another, the positions are sorted, and the
   * cells suppressed only to protect others sit under "secondary", apart from the failing ones.
   */
  @Test
  void cellPositionsFollowTheFileAndSecondaryCellsStandApart() throws Exception {
    Path req = Files.createDirectories(dir.resolve("req2"));
    Files.writeString(req.resolve("m.csv"), "region,c1,c2,c3,Total\nr1,3,40,12,55\nr2,45,4,13,62\nr3,11,14,50,75\n"
        + "Total,59,58,75,192\n");
    java.util.Map<String, String> declared = new java.util.LinkedHashMap<>();
    for (String m : List.of("Total", "c3", "c2", "c1")) {
      declared.put(m, "count");
    }
    ExportItem item = new ExportItem("m1", ItemType.FREQUENCY, "m.csv", null, null, List.of(), null, declared, "");
    CheckReport report = OutputChecker.create().check(new ExportRequest("r2", "P1", "u1", req, List.of(item)));
    Path out = dir.resolve("out2");
    new ReportWriter().write(report, out);
    JsonNode root = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    String first = Files.readString(out.resolve("results.json")).replaceAll("\"timestamp\" : \"[^\"]+\"", "");
    new ReportWriter().write(OutputChecker.create().check(new ExportRequest("r2", "P1", "u1", req, List.of(item))), out);
    String second = Files.readString(out.resolve("results.json")).replaceAll("\"timestamp\" : \"[^\"]+\"", "");
    assertThat(second).isEqualTo(first);
    JsonNode cells = root.path("results").path("m1").path("files").get(0).path("sdc").path("cells");
    // r1/c1 (3) and r2/c2 (4) fail; measures c1..Total are 0..3 as in the file.
    assertThat(cells.path("threshold").toString()).isEqualTo("[[0,0],[1,1]]");
    assertThat(cells.path("secondary").toString()).isEqualTo("[[0,1],[1,0]]");
    JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
    assertThat(config.path("safe_threshold").asInt()).isEqualTo(10);
    assertThat(config.path("safe_nk_k").asDouble()).isEqualTo(0.9);
    assertThat(config.path("safe_pratio_p").asDouble()).isEqualTo(0.1);
    assertThat(config.path("zeros_are_disclosive").asBoolean()).isTrue();
    assertThat(config.path("enclave_rules").path("secondary_suppression").path("exact_max_cells").asInt()).isPositive();
    assertThat(Files.exists(out.resolve("checksums").resolve("config.json.txt"))).isTrue();
  }

  /** An attacker's values in every place the page prints them: ids in attributes, headers, cells, notes. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"en", "ja"})
  void hostileValuesAreEscapedByTheTemplateEngineEverywhere(String language) throws Exception {
    Path req = Files.createDirectories(dir.resolve("req3"));
    String evil = "x\" onmouseover=\"alert(1)\" '><img src=x onerror=alert(2)>`";
    Files.writeString(req.resolve("h.csv"), "\"" + evil.replace("\"", "\"\"") + "\",n\n\"<b>" + evil.replace("\"", "\"\"")
        + "</b>\",3\nok,40\n");
    ExportItem item = new ExportItem(evil, ItemType.FREQUENCY, "h.csv", null, null, List.of(), null, null, "note " + evil);
    String html = new HtmlReport().render(OutputChecker.create().check(new ExportRequest(evil, "P1", evil, req, List.of(item))),
        java.util.Locale.forLanguageTag(language));
    assertThat(html).doesNotContain("onmouseover=\"").doesNotContain("<img").doesNotContain("`").contains("&lt;b&gt;x&quot;")
        .contains("&quot; onmouseover=&quot;alert(1)&quot;").contains("&lt;img src=x onerror=alert(2)&gt;");
    try (var in = HtmlReport.class.getResourceAsStream("report.peb")) {
      assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).as("no unescaped output in the template")
          .doesNotContain("| raw").doesNotContain("|raw").doesNotContain("autoescape false");
    }
  }
}
