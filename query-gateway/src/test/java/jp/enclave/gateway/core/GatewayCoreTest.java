package jp.enclave.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jp.enclave.gateway.GatewayFixture;
import jp.enclave.gateway.TestHome;
import jp.enclave.audit.AuditLog;
import jp.enclave.gateway.core.GatewaySession.SessionKind;
import jp.enclave.policies.Subject;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GatewayCoreTest {
  private static Gateway gateway;
  private static RootAllocator allocator;
  private static GatewayFixture fixture;
  private static Path auditFile;

  @BeforeAll
  static void open() {
    fixture = new GatewayFixture("core", TestHome.PROJECT,
        TestHome.config().withQueryTimeout(Duration.ofSeconds(2)).withMaxQueryChars(5_000).withMaxNodes(2_000),
        Duration.ofSeconds(10));
    gateway = fixture.gateway;
    allocator = fixture.allocator;
    auditFile = fixture.auditFile;
  }

  @AfterAll
  static void close() {
    fixture.close();
  }

  private static GatewayRefusal refusal(GatewaySession s, String sql) {
    try {
      gateway.plan(s, sql);
    } catch (GatewayRefusal r) {
      return r;
    }
    throw new AssertionError("not refused: " + sql);
  }

  private static GatewaySession remote() {
    return TestHome.session(SessionKind.REMOTE);
  }

  private static long drain(PlannedQuery p) {
    long rows = 0;
    try (RunningQuery r = gateway.execute(p, allocator)) {
      while (r.next()) {
        rows += r.root().getRowCount();
      }
    }
    return rows;
  }

  @Test
  void duckDbItselfRefusesFilesExtensionsAndSettingChangesBehindTheFirewall() throws Exception {
    try (java.sql.Connection c = GatewayTestAccess.raw(gateway); Statement s = c.createStatement()) {
      for (String sql : List.of("SELECT * FROM read_csv('/etc/passwd')", "INSTALL httpfs", "LOAD httpfs",
          "SET enable_external_access = true", "SET lock_configuration = false", "ATTACH '/tmp/x.duckdb' AS x",
          "COPY patient TO '/tmp/leak.csv'", "CREATE TABLE t AS SELECT 1", "SET memory_limit = '100GB'")) {
        assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(java.sql.SQLException.class);
      }
    }
    assertThat(Path.of("/tmp/leak.csv")).doesNotExist();
  }

  @Test
  void refusalPositionsPointIntoTheResearchersOwnText() {
    GatewayRefusal r = refusal(remote(), "SELECT value, value, ssn FROM lab_result");
    assertThat(r.code()).isEqualTo("GW-UNKNOWN-COLUMN");
    assertThat(r.refusal().line()).isEqualTo(1);
    assertThat(r.refusal().column()).isEqualTo(22);
    GatewayRefusal multi = refusal(remote(), "SELECT 1\nFROM patient;\n  DROP TABLE patient");
    assertThat(multi.refusal().line()).isEqualTo(3);
    assertThat(multi.refusal().column()).isEqualTo(3);
    assertThat(multi.getMessage()).doesNotContain("Exception");
  }

  @Test
  void inputLimitsAndEncodingAreEnforcedBeforeParsing() {
    assertThat(refusal(remote(), "SELECT 1 FROM patient WHERE sex IN (" + "'x',".repeat(2_000) + "'y')").code())
        .isEqualTo("GW-QUERY-TOO-LARGE");
    assertThat(refusal(remote(), "SELECT " + "(".repeat(70) + "1" + ")".repeat(70)).code())
        .isEqualTo("GW-QUERY-TOO-COMPLEX");
    assertThat(refusal(remote(), "SELECT 1 FROM patient WHERE " + "sex = 'M' OR ".repeat(300) + "sex = 'F'").code())
        .isEqualTo("GW-QUERY-TOO-COMPLEX");
    assertThat(refusal(remote(), "   ").code()).isEqualTo("GW-EMPTY-QUERY");
    byte[] latin1 = "SELECT 'caf\u00e9' FROM patient".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> gateway.plan(remote(), latin1))
        .isInstanceOfSatisfying(GatewayRefusal.class, e -> assertThat(e.code()).isEqualTo("GW-ENCODING"));
    PlannedQuery ok = gateway.plan(remote(), "SELECT count(*) FROM patient".getBytes(StandardCharsets.UTF_8));
    assertThat(drain(ok)).isEqualTo(1);
  }

  @Test
  void sessionsAreBoundToTheirProjectAndLifetime() {
    assertThat(refusal(TestHome.session("bob", TestHome.OTHER_PROJECT, SessionKind.REMOTE), "SELECT 1").code())
        .isEqualTo("GW-TOKEN-WRONG-PROJECT");
    GatewaySession expired = new GatewaySession("s-old", remote().subject(), SessionKind.REMOTE, Instant.now().minusSeconds(1));
    assertThat(refusal(expired, "SELECT 1").code()).isEqualTo("GW-TOKEN-INVALID");
  }

  @Test
  void policiesDecideQueriesAndColumns() {
    Subject lapsed = new Subject("carol", Set.of("researcher"), "org-2", "type2", Instant.now().minusSeconds(60), TestHome.PROJECT);
    GatewayRefusal r = refusal(new GatewaySession("s-c", lapsed, SessionKind.REMOTE, Instant.now().plusSeconds(600)),
        "SELECT count(*) FROM patient");
    assertThat(r.code()).isEqualTo("GW-POLICY-DENIED");
    assertThat(r.refusal().message()).contains("certification has expired");
    Subject auditor = new Subject("dave", Set.of("auditor"), "org-1", "type2", Instant.now().plusSeconds(6000), TestHome.PROJECT);
    assertThat(refusal(new GatewaySession("s-d", auditor, SessionKind.ONSITE, Instant.now().plusSeconds(600)),
        "SELECT 1").code()).isEqualTo("GW-POLICY-DENIED");
    GatewayRefusal text = refusal(remote(), "SELECT note_id, note_type\nFROM clinical_note c WHERE c.text LIKE '%x%'");
    assertThat(text.code()).isEqualTo("GW-COLUMN-DENIED");
    assertThat(text.refusal().line()).isEqualTo(2);
    assertThat(text.refusal().message()).contains("clinical_note.text").contains("onsite");
    PlannedQuery onsite = gateway.plan(TestHome.session(SessionKind.ONSITE), "SELECT count(*) FROM clinical_note WHERE text LIKE '%退院%'");
    assertThat(onsite.policyIds()).contains("query-by-certified-member", "read-approved-labels");
    assertThat(drain(onsite)).isEqualTo(1);
    assertThat(gateway.plan(remote(), "SELECT note_id, note_type FROM clinical_note").tablesRead()).containsExactly("clinical_note");
  }

  @Test
  void serverSideTimeoutStopsARunawayQueryAndTheGatewayKeepsServing() {
    PlannedQuery heavy = gateway.plan(remote(),
        "SELECT count(*) FROM lab_result a, lab_result b, lab_result c WHERE a.value + b.value > c.value");
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> drain(heavy))
        .isInstanceOfSatisfying(GatewayRefusal.class, e -> assertThat(e.code()).isEqualTo("GW-TIMEOUT"));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
    assertThat(drain(gateway.plan(remote(), "SELECT count(*) FROM patient"))).isEqualTo(1);
  }

  @Test
  void cancelMidStreamEndsCleanlyAndIsAudited() throws Exception {
    GatewayConfig small = TestHome.config().withArrowBatchRows(100);
    Path file = Files.createTempDirectory("cancel").resolve("audit.jsonl");
    try (Gateway g = Gateway.open(TestHome.get(), TestHome.PROJECT, small, AuditLog.open(file, false))) {
      PlannedQuery p = g.plan(remote(), "SELECT * FROM lab_result");
      try (RunningQuery r = g.execute(p, allocator)) {
        assertThat(r.next()).isTrue();
        r.cancel();
        assertThatThrownBy(r::next).isInstanceOfSatisfying(GatewayRefusal.class,
            e -> assertThat(e.code()).isEqualTo("GW-CANCELLED"));
      }
      assertThat(drain(g, g.plan(remote(), "SELECT count(*) FROM lab_result"))).isEqualTo(1);
    }
    assertThat(Files.readString(file)).contains("\"outcome\":\"cancelled\"").contains("\"outcome\":\"completed\"");
  }

  private static long drain(Gateway g, PlannedQuery p) {
    long rows = 0;
    try (RunningQuery r = g.execute(p, allocator)) {
      while (r.next()) {
        rows += r.root().getRowCount();
      }
    }
    return rows;
  }

  @Test
  void everyQueryIsAuditedBeforeAndAfterWithAStableFingerprint() throws Exception {
    String sql = "SELECT lab_code, count(*) FROM lab_result GROUP BY lab_code ORDER BY lab_code";
    PlannedQuery a = gateway.plan(remote(), sql);
    drain(a);
    PlannedQuery b = gateway.plan(remote(), sql);
    drain(b);
    assertThat(a.queryId()).isNotEqualTo(b.queryId()).startsWith("q-");
    List<String> lines = Files.readAllLines(auditFile);
    String accepted = lines.stream().filter(l -> l.contains(a.queryId()) && l.contains("query.accepted")).findFirst().orElseThrow();
    assertThat(accepted).contains("\"user\":\"alice\"", "\"project\":\"p1\"", "\"duckdbSql\"", "\"decision\":\"allow\"",
        "query-by-certified-member", "\"session\":\"s-alice-remote\"");
    String fa = fingerprint(lines, a.queryId());
    assertThat(fa).hasSize(64).isEqualTo(fingerprint(lines, b.queryId()));
    assertThat(lines.stream().filter(l -> l.contains(a.queryId()) && l.contains("query.finished")).findFirst().orElseThrow())
        // One row per JLAC10 code of the pseudonymizer's reference list: all occur in the fixture source.
        .contains("\"rows\":" + jp.enclave.pseudonymizer.source.Reference.get().labs().size(), "\"outcome\":\"completed\"");
    refusal(remote(), "COPY patient TO '/tmp/x'");
    assertThat(Files.readAllLines(auditFile).get(Files.readAllLines(auditFile).size() - 1))
        .contains("query.refused", "GW-STATEMENT-NOT-ALLOWED", "COPY patient");
  }

  private static String fingerprint(List<String> lines, String queryId) {
    String line = lines.stream().filter(l -> l.contains(queryId) && l.contains("query.finished")).findFirst().orElseThrow();
    return line.replaceFirst(".*\"fingerprint\":\"([0-9a-f]+)\".*", "$1");
  }

  @Test
  void concurrentSessionsAreServedIndependently() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Long>> results = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        int n = i;
        results.add(pool.submit(() -> {
          // Eight researchers, a session per query: each stays within the session and user limits.
          GatewaySession u = TestHome.session("user" + (n % 8), TestHome.PROJECT, SessionKind.REMOTE);
          GatewaySession s = new GatewaySession("s-" + n, u.subject(), u.kind(), u.expiresAt());
          if (n % 5 == 0) {
            assertThatThrownBy(() -> gateway.plan(s, "SELECT * FROM read_parquet('x')")).isInstanceOf(GatewayRefusal.class);
            return -1L;
          }
          return drain(gateway.plan(s, "SELECT person_id, count(*) FROM encounter GROUP BY person_id"));
        }));
      }
      for (Future<Long> f : results) {
        assertThat(f.get()).isIn(-1L, TestHome.patients());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aRepeatedTextReusesItsCheckedFormButPoliciesAreAskedAgain() throws Exception {
    String sql = "SELECT note_type, count(*) FROM clinical_note WHERE text LIKE '%退院%' GROUP BY note_type";
    PlannedQuery first = gateway.plan(TestHome.session(SessionKind.ONSITE), sql);
    PlannedQuery again = gateway.plan(TestHome.session(SessionKind.ONSITE), sql);
    assertThat(first.compiledBefore()).isFalse();
    assertThat(again.compiledBefore()).isTrue();
    assertThat(again.duckDbSql()).isEqualTo(first.duckDbSql());
    assertThat(again.queryId()).isNotEqualTo(first.queryId());
    assertThat(drain(again)).isEqualTo(drain(first));
    // Same text from a remote desktop: the checked form is reused, the free-text denial is not skipped,
    // and its position still points into the researcher's text.
    GatewayRefusal remote = refusal(remote(), sql);
    assertThat(remote.code()).isEqualTo("GW-COLUMN-DENIED");
    assertThat(remote.refusal().column()).isEqualTo(sql.indexOf("text") + 1);
    String accepted = Files.readAllLines(auditFile).stream()
        .filter(l -> l.contains(again.queryId()) && l.contains("query.accepted")).findFirst().orElseThrow();
    assertThat(accepted).contains("\"compiledBefore\":true");
  }
}
