package jp.enclave.checker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import jp.enclave.checker.extract.TestExtracts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckerCliTest {
  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return CheckerCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void checksARequestWithProvenanceAndWritesReports() throws Exception {
    Path home = dir.resolve("checker-home");
    TestExtracts.seal(home, "P1", "CREATE TABLE visits AS SELECT CASE WHEN i < 3 THEN 'A' ELSE 'B' END AS dept, "
        + "'PX' || i AS person_id FROM range(40) t(i)");
    Files.writeString(dir.resolve("queries.json"),
        "{\"q-7\": {\"project_id\": \"P1\", \"user\": \"u1\", \"sql\": \"SELECT dept, COUNT(*) AS n FROM visits GROUP BY dept\"}}");
    Files.writeString(dir.resolve("t.csv"), "dept,n\nA,3\nB,37\n");
    Files.writeString(dir.resolve("code.sql"), "-- PX7 looked odd\nSELECT 1;\n");
    Files.writeString(dir.resolve("request.json"), "{\"request_id\":\"r9\",\"project_id\":\"P1\",\"researcher\":\"u1\",\"items\":["
        + "{\"id\":\"t1\",\"type\":\"frequency\",\"file\":\"t.csv\",\"queries\":[\"q-7\"]},"
        + "{\"id\":\"c1\",\"type\":\"code\",\"file\":\"code.sql\"}]}");
    int code = run("check", "--request", dir.resolve("request.json").toString(), "--out", dir.resolve("out").toString(),
        "--extract-home", home.toString(), "--queries", dir.resolve("queries.json").toString());
    assertThat(code).as(err.toString()).isEqualTo(2);
    assertThat(out.toString()).contains("FAIL     t1").contains("FAIL     c1").contains("overall: fail");
    assertThat(dir.resolve("out/results.json")).exists();
    assertThat(dir.resolve("out/report.html")).exists();
    assertThat(Files.readString(dir.resolve("out/results.json"))).contains("q-7: recomputed, 2 cells");
    assertThat(Files.readString(dir.resolve("out/report.html"))).contains("rests on 3 persons, fewer than 10 (recomputed from the cited query)");
    assertThat(Files.readString(dir.resolve("t.csv"))).isEqualTo("dept,n\nA,3\nB,37\n"); // the request stays as it was
  }

  @Test
  void anotherProjectsExtractIsRefusedAsAnOptionError() throws Exception {
    Path home = dir.resolve("checker-home");
    TestExtracts.seal(home, "P2", "CREATE TABLE t AS SELECT 1 AS person_id");
    Files.writeString(dir.resolve("t.csv"), "dept,n\nA,30\n");
    Files.writeString(dir.resolve("request.json"), "{\"request_id\":\"r9\",\"project_id\":\"P1\",\"researcher\":\"u1\","
        + "\"items\":[{\"id\":\"t1\",\"type\":\"frequency\",\"file\":\"t.csv\"}]}");
    int code = run("check", "--request", dir.resolve("request.json").toString(), "--out", dir.resolve("out").toString(),
        "--extract-home", home.toString());
    assertThat(code).isEqualTo(3);
    assertThat(err.toString()).startsWith("error: EXTRACT_NOT_FOUND: no sealed extract for project P1").doesNotContain("\tat ");
  }

  @Test
  void badRequestIsAClearErrorWithoutStackTrace() throws Exception {
    Files.writeString(dir.resolve("request.json"), "{\"request_id\": \"r1\", \"items\": [");
    int code = run("check", "--request", dir.resolve("request.json").toString(), "--out", dir.resolve("out").toString());
    assertThat(code).isEqualTo(3);
    assertThat(err.toString()).startsWith("error: REQUEST_NOT_JSON").doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void unknownRuleKeyIsRefused() throws Exception {
    Files.writeString(dir.resolve("request.json"), "{\"request_id\":\"r\",\"project_id\":\"P1\",\"items\":["
        + "{\"id\":\"t\",\"type\":\"frequency\",\"file\":\"t.csv\"}]}");
    Files.writeString(dir.resolve("rules.yaml"), "threshold:\n  person: 5\n");
    int code = run("check", "--request", dir.resolve("request.json").toString(), "--out", dir.resolve("out").toString(),
        "--rules", dir.resolve("rules.yaml").toString());
    assertThat(code).isEqualTo(3);
    assertThat(err.toString()).contains("RULES_INVALID").contains("unknown rule key 'threshold.person'");
  }

  @Test
  void missingOptionPrintsUsage() {
    assertThat(run("check")).isEqualTo(3);
    assertThat(err.toString()).contains("Missing required options");
  }
}
