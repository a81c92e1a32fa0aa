package jp.enclave.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jp.enclave.gateway.GatewayFixture;
import jp.enclave.gateway.TestHome;
import jp.enclave.gateway.core.GatewaySession.SessionKind;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Queries that try to take the gateway down or starve others, run for real: DuckDB's constant
 * folding of nested replace() ignores cancels and grows past its own memory limit, so only the
 * execution worker's time limit and the operating system's memory cap stop it.
 */
class RunawayQueryTest {
  private static final Duration LIMIT = Duration.ofSeconds(3);
  private static Gateway gateway;
  private static RootAllocator allocator;
  private static GatewayFixture fixture;
  private static Path auditFile;

  @BeforeAll
  static void open() {
    fixture = new GatewayFixture("runaway", TestHome.PROJECT, TestHome.config().withQueryTimeout(LIMIT)
        .withMemoryLimit("256MB").withMaxConcurrentQueries(4).withMaxQueriesPerUser(3).withMaxQueriesPerSession(2),
        Duration.ofSeconds(10));
    gateway = fixture.gateway;
    allocator = fixture.allocator;
    auditFile = fixture.auditFile;
  }

  @AfterAll
  static void close() {
    fixture.close();
  }

  /** replace() nested {@code levels} deep on a literal: each level makes the string ten times longer. */
  static String nestedReplace(int levels) {
    String e = "'" + "ab".repeat(1000) + "'";
    for (int i = 0; i < levels; i++) {
      e = "replace(" + e + ", 'a', 'aaaaaaaaaa')";
    }
    return "SELECT length(" + e + ") AS n";
  }

  private static long drain(GatewaySession s, String sql) {
    PlannedQuery p = gateway.plan(s, sql);
    long rows = 0;
    try (RunningQuery r = gateway.execute(p, allocator)) {
      while (r.next()) {
        rows += r.root().getRowCount();
      }
    }
    return rows;
  }

  private static List<JsonNode> events(String name) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(auditFile)) {
      JsonNode n = new ObjectMapper().readTree(line);
      if (n.path("event").asText().equals(name)) {
        out.add(n);
      }
    }
    return out;
  }

  @Test
  void aRunawayExpressionIsStoppedWithinASecondOfTheLimitAndOthersAreServedMeanwhile() throws Exception {
    GatewaySession attacker = TestHome.session("mallory", TestHome.PROJECT, SessionKind.REMOTE);
    GatewaySession other = TestHome.session("bob", TestHome.PROJECT, SessionKind.REMOTE);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      // Each researcher's worker starts with their first query; that start is not the point here.
      drain(attacker, "SELECT 1 AS warm");
      drain(other, "SELECT 1 AS warm");
      long t0 = System.nanoTime();
      // DuckDB folds the constant already when planning (the second column check asks it), so the
      // bomb goes off at plan or at execution: either way in the attacker's worker.
      Future<GatewayRefusal> runaway = pool.submit(() -> {
        try {
          drain(attacker, nestedReplace(7));
          return null;
        } catch (GatewayRefusal r) {
          return r;
        }
      });
      Thread.sleep(500);
      long b0 = System.nanoTime();
      assertThat(drain(other, "SELECT sex, count(*) FROM patient GROUP BY sex")).isEqualTo(2);
      assertThat(Duration.ofNanos(System.nanoTime() - b0)).as("another researcher's query meanwhile")
          .isLessThan(Duration.ofSeconds(2));
      GatewayRefusal r = runaway.get(30, TimeUnit.SECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(r).as("the runaway query must be refused").isNotNull();
      assertThat(r.code()).isIn("GW-TIMEOUT", "GW-MEMORY-LIMIT");
      assertThat(took).as("stopped within a second of the limit").isLessThan(LIMIT.plusMillis(1_500));
    } finally {
      pool.shutdownNow();
    }
    // The worker gave up on the query (or the kernel killed it) and a new one serves.
    waitFor(() -> !events("worker.died").isEmpty(), Duration.ofSeconds(20));
    assertThat(drain(other, "SELECT count(*) FROM patient")).isEqualTo(1);
    List<JsonNode> finished = events("query.finished");
    assertThat(finished).anySatisfy(f -> assertThat(f.path("data").path("outcome").asText()).isIn("timed_out", "failed"));
    assertThat(events("worker.died")).anySatisfy(d -> assertThat(d.path("data").path("cause").asText()).isIn("runaway", "memory_cap"));
  }

  @Test
  void aQueryGrowingPastTheMemoryCapIsKilledByTheKernelNotTheGateway() throws Exception {
    GatewaySession s = TestHome.session("carol", TestHome.PROJECT, SessionKind.REMOTE);
    int diedBefore = events("worker.died").size();
    int startedBefore = events("worker.started").size();
    // Eight levels: a 2 GB string, far past the 256 MB limit plus the worker's room.
    GatewayRefusal r = refusal(s, nestedReplace(8));
    assertThat(r.code()).isIn("GW-MEMORY-LIMIT", "GW-TIMEOUT", "GW-EXECUTION-FAILED");
    if (gateway.workerForTests("carol").capDescription().startsWith("cgroup")) {
      assertThat(r.code()).isIn("GW-MEMORY-LIMIT", "GW-TIMEOUT");
    }
    waitFor(() -> events("worker.died").size() > diedBefore && events("worker.started").size() > startedBefore,
        Duration.ofSeconds(20));
    assertThat(drain(s, "SELECT count(*) FROM diagnosis")).isEqualTo(1);
  }

  @Test
  void aLongJoinTimesOutAtTheLimitAndIsRecordedAsTimedOut() throws Exception {
    GatewaySession s = TestHome.session("grace", TestHome.PROJECT, SessionKind.REMOTE);
    PlannedQuery p = gateway.plan(s, "SELECT count(*) FROM lab_result a, lab_result b, lab_result c WHERE a.value + b.value > c.value");
    long t0 = System.nanoTime();
    GatewayRefusal r = null;
    try (RunningQuery q = gateway.execute(p, allocator)) {
      while (q.next()) {
        // a count: one row, if it ever ends
      }
    } catch (GatewayRefusal e) {
      r = e;
    }
    assertThat(r).isNotNull();
    assertThat(r.code()).isEqualTo("GW-TIMEOUT");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(LIMIT.plusMillis(1_500));
    gateway.audit().flushWithin(Duration.ZERO);
    waitFor(() -> events("query.finished").stream().anyMatch(f -> f.path("data").path("user").asText().equals("grace")
        && f.path("data").path("outcome").asText().equals("timed_out")), Duration.ofSeconds(5));
    assertThat(drain(s, "SELECT count(*) FROM patient")).isEqualTo(1);
  }

  @Test
  void aKilledWorkerIsReplacedAndTheNextQueryRuns() throws Exception {
    GatewaySession s = TestHome.session("dave", TestHome.PROJECT, SessionKind.REMOTE);
    long pid = GatewayTestAccess.workerPid(gateway, "dave");
    int started = events("worker.started").size();
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    waitFor(() -> events("worker.started").size() > started, Duration.ofSeconds(20));
    assertThat(GatewayTestAccess.workerPid(gateway, "dave")).isNotEqualTo(pid);
    assertThat(drain(s, "SELECT count(*) FROM encounter")).isEqualTo(1);
    assertThat(events("worker.died")).anySatisfy(d -> assertThat(d.path("data").path("cause").asText()).isEqualTo("crash"));
  }

  @Test
  void oneSessionCannotTakeEverySlot() throws Exception {
    GatewaySession s = TestHome.session("erin", TestHome.PROJECT, SessionKind.REMOTE);
    // Two open results hold the session's two slots (results not read stay open).
    PlannedQuery a = gateway.plan(s, "SELECT * FROM lab_result");
    PlannedQuery b = gateway.plan(s, "SELECT * FROM lab_result");
    try (RunningQuery ra = gateway.execute(a, allocator); RunningQuery rb = gateway.execute(b, allocator)) {
      PlannedQuery c = gateway.plan(s, "SELECT 1 AS one");
      assertThatThrownBy(() -> gateway.execute(c, allocator)).isInstanceOfSatisfying(GatewayRefusal.class,
          r -> assertThat(r.code()).isEqualTo("GW-SESSION-LIMIT"));
      // A second session of the same user has room until the user's cap.
      GatewaySession s2 = new GatewaySession("s-erin-2", s.subject(), SessionKind.REMOTE, s.expiresAt());
      try (RunningQuery rc = gateway.execute(gateway.plan(s2, "SELECT * FROM lab_result"), allocator)) {
        PlannedQuery d = gateway.plan(s2, "SELECT 1 AS one");
        assertThatThrownBy(() -> gateway.execute(d, allocator)).isInstanceOfSatisfying(GatewayRefusal.class,
            r -> assertThat(r.code()).isEqualTo("GW-USER-LIMIT"));
        // Another researcher is not affected.
        assertThat(drain(TestHome.session("frank", TestHome.PROJECT, SessionKind.REMOTE), "SELECT 1 AS one")).isEqualTo(1);
      }
    }
    assertThat(events("query.finished")).anySatisfy(f -> assertThat(f.path("data").path("code").asText()).isEqualTo("GW-SESSION-LIMIT"));
  }

  private static GatewayRefusal refusal(GatewaySession s, String sql) {
    try {
      drain(s, sql);
    } catch (GatewayRefusal r) {
      return r;
    }
    throw new AssertionError("not refused: " + sql);
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void waitFor(Check c, Duration max) throws Exception {
    long end = System.nanoTime() + max.toNanos();
    while (!c.ok()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within " + max);
      }
      Thread.sleep(50);
    }
  }
}
