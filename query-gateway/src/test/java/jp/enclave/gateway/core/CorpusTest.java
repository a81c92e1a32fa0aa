package jp.enclave.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jp.enclave.gateway.GatewayFixture;
import jp.enclave.gateway.TestHome;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Golden corpora in the style of Calcite's Quidem files. Each case is an optional {@code # title},
 * optional {@code !session remote|onsite} / {@code !project ID} directives, the query, and then
 * either {@code !ok} with the expected DuckDB SQL or {@code !refused} with the refusal code, its
 * position and a caret under the offending character. The runner writes what actually happened
 * to {@code target/corpus/<name>} and fails with the first differences, so a change in behaviour
 * reads as a diff. Accepted queries must also return exactly what raw DuckDB returns.
 */
class CorpusTest {
  private static Gateway gateway;
  private static RootAllocator allocator;
  private static GatewayFixture fixture;

  @BeforeAll
  static void open() {
    fixture = new GatewayFixture("corpus-audit", TestHome.PROJECT, TestHome.config(), Duration.ofSeconds(10));
    gateway = fixture.gateway;
    allocator = fixture.allocator;
  }

  @AfterAll
  static void close() {
    fixture.close();
  }

  record Case(String title, String kind, String project, String sql, String expected) {}

  static List<Case> read(String resource) throws Exception {
    List<String> lines = Files.readAllLines(Path.of(CorpusTest.class.getResource(resource).toURI()), StandardCharsets.UTF_8);
    List<Case> cases = new ArrayList<>();
    String title = "";
    String kind = "remote";
    String project = TestHome.PROJECT;
    StringBuilder sql = new StringBuilder();
    int i = 0;
    while (i < lines.size()) {
      String line = lines.get(i);
      if (sql.length() == 0 && line.isBlank()) {
        i++;
      } else if (sql.length() == 0 && line.startsWith("# ")) {
        title = line.substring(2);
        i++;
      } else if (sql.length() == 0 && line.startsWith("!session ")) {
        kind = line.substring(9).trim();
        i++;
      } else if (sql.length() == 0 && line.startsWith("!project ")) {
        project = line.substring(9).trim();
        i++;
      } else if (line.equals("!ok") || line.equals("!refused")) {
        StringBuilder expected = new StringBuilder(line).append('\n');
        i++;
        while (i < lines.size() && !lines.get(i).isBlank()) {
          expected.append(lines.get(i)).append('\n');
          i++;
        }
        String q = sql.toString();
        cases.add(new Case(title, kind, project, q.substring(0, q.length() - 1), expected.toString()));
        sql.setLength(0);
        title = "";
      } else {
        sql.append(unescape(line)).append('\n');
        i++;
      }
    }
    return cases;
  }

  /** Corpus files are plain text; \\uXXXX writes an invisible or look-alike character visibly. */
  static String unescape(String line) {
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < line.length(); k++) {
      if (line.startsWith("\\u", k) && k + 6 <= line.length() && line.substring(k + 2, k + 6).matches("[0-9A-Fa-f]{4}")) {
        b.append((char) Integer.parseInt(line.substring(k + 2, k + 6), 16));
        k += 5;
      } else {
        b.append(line.charAt(k));
      }
    }
    return b.toString();
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      int t = Character.getType(c);
      boolean visible = c == '\n' || !(t == Character.CONTROL || t == Character.FORMAT || t == Character.SURROGATE
          || t == Character.UNASSIGNED || t == Character.PRIVATE_USE || t == Character.LINE_SEPARATOR
          || t == Character.PARAGRAPH_SEPARATOR || t == Character.SPACE_SEPARATOR && c != ' ');
      b.append(visible ? String.valueOf(c) : String.format("\\u%04X", (int) c));
    }
    return b.toString();
  }

  private String run(Case c, List<String> resultProblems) {
    GatewaySession session = TestHome.session("corpus", c.project(), GatewaySession.SessionKind.parse(c.kind()));
    try {
      PlannedQuery plan = gateway.plan(session, c.sql());
      long rows = 0;
      try (RunningQuery r = gateway.execute(plan, allocator)) {
        while (r.next()) {
          rows += r.root().getRowCount();
        }
      }
      List<String> raw = rows(c.sql());
      List<String> rewritten = rows(plan.duckDbSql());
      if (!raw.equals(rewritten) || raw.size() != rows) {
        resultProblems.add(c.title() + ": raw DuckDB returned " + raw.size() + " rows, gateway " + rows
            + (raw.equals(rewritten) ? "" : " and different values"));
      }
      String sql = plan.duckDbSql();
      if (!DuckDbUnparse.reparses(sql) || !(DuckDbUnparse.roundTrips(sql, gateway.catalog())
          || DuckDbUnparse.roundTrips(DuckDbUnparse.normalize(sql, gateway.catalog()), gateway.catalog()))) {
        resultProblems.add(c.title() + ": rewritten SQL does not round-trip");
      }
      return "!ok\n" + plan.duckDbSql() + "\n";
    } catch (GatewayRefusal r) {
      Refusal f = r.refusal();
      StringBuilder b = new StringBuilder("!refused\n").append(f.code());
      if (f.hasPosition()) {
        b.append(' ').append(f.line()).append(':').append(f.column()).append('\n');
        String line = c.sql().lines().skip(f.line() - 1).findFirst().orElse("");
        b.append(escape(line)).append('\n');
        b.append(" ".repeat(Math.max(0, escape(line.substring(0, Math.min(line.length(), Math.max(0, f.column() - 1)))).length()))).append("^\n");
      } else {
        b.append('\n');
      }
      assertThat(r.getMessage()).doesNotContain("Exception").doesNotContain("\tat ");
      return b.toString();
    }
  }

  /** Rows from the locked-down DuckDB connection, rendered as text and sorted (order-insensitive). */
  private static List<String> rows(String sql) {
    List<String> out;
    try {
      out = new ArrayList<>(TestHome.rawRows(gateway, sql));
    } catch (java.sql.SQLException e) {
      out = new ArrayList<>(List.of("ERROR " + e.getMessage()));
    }
    out.sort(null);
    return out;
  }

  private List<String> runFile(String name, boolean hostile) throws Exception {
    List<Case> cases = read("/corpus/" + name);
    StringBuilder actual = new StringBuilder();
    List<String> problems = new ArrayList<>();
    List<String> diffs = new ArrayList<>();
    String kind = "remote";
    String project = TestHome.PROJECT;
    for (Case c : cases) {
      if (!c.title().isEmpty()) {
        actual.append("# ").append(c.title()).append('\n');
      }
      if (!c.kind().equals(kind)) {
        actual.append("!session ").append(c.kind()).append('\n');
        kind = c.kind();
      }
      if (!c.project().equals(project)) {
        actual.append("!project ").append(c.project()).append('\n');
        project = c.project();
      }
      actual.append(escape(c.sql())).append('\n');
      String got = run(c, problems);
      actual.append(got).append('\n');
      if (!got.equals(c.expected())) {
        diffs.add("--- " + c.title() + "\n" + escape(c.sql()) + "\nexpected:\n" + c.expected() + "actual:\n" + got);
      }
      if (hostile && got.startsWith("!ok")) {
        problems.add("hostile query accepted: " + c.title() + ": " + c.sql());
      }
      if (!hostile && got.startsWith("!refused")) {
        problems.add("benign query refused: " + c.title() + ": " + got);
      }
    }
    Path out = Path.of("target/corpus", name);
    Files.createDirectories(out.getParent());
    Files.writeString(out, actual.toString(), StandardCharsets.UTF_8);
    assertThat(problems).as("behaviour problems").isEmpty();
    assertThat(diffs).as("golden differences; actual output written to " + out.toAbsolutePath()).isEmpty();
    return cases.stream().map(Case::sql).toList();
  }

  @Test
  void hostileCorpusIsAllRefused() throws Exception {
    assertThat(runFile("hostile.iq", true)).hasSizeGreaterThanOrEqualTo(150);
  }

  @Test
  void benignCorpusIsAllAcceptedWithRawDuckDbResults() throws Exception {
    assertThat(runFile("benign.iq", false)).hasSizeGreaterThanOrEqualTo(20);
  }
}
