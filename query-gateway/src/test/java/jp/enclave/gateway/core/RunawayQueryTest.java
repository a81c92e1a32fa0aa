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
  private static final Duration LIMIT = Duration.ofSeconds(6);
  /**
   * How far past the limit a stopped query may end: loose enough for a loaded 2-core CI machine,
   * tight enough that a limit which does not stop the query fails. Times are the benchmark's to
   * measure, not this test's.
   */
  private static final Duration SLACK = Duration.ofSeconds(3);
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
  void aRunawayExpressionIsStoppedAtTheLimitAndOthersAreServedMeanwhile() throws Exception {
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
      assertThat(Duration.ofNanos(System.nanoTime() - b0)).as("another researcher's query, served meanwhile")
          .isLessThan(LIMIT);
      GatewayRefusal r = runaway.get(30, TimeUnit.SECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(r).as("the runaway query must be refused").isNotNull();
      assertThat(r.code()).isIn("GW-TIMEOUT", "GW-MEMORY-LIMIT");
      assertThat(took).as("stopped at the limit").isLessThan(LIMIT.plus(SLACK));
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
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(LIMIT.plus(SLACK));
    gateway.audit().flushWithin(Duration.ZERO);
    waitFor(() -> events("query.finished").stream().anyMatch(f -> f.path("data").path("user").asText().equals("grace")
        && f.path("data").path("outcome").asText().equals("timed_out")), Duration.ofSeconds(5));
    assertThat(drain(s, "SELECT count(*) FROM patient")).isEqualTo(1);
  }

  @Test
  void aKilledWorkerIsReplacedAndTheNextQueryRuns() throws Exception {
    GatewaySession s = TestHome.session("dave", TestHome.PROJECT, SessionKind.REMOTE);
    long pid = GatewayTestAccess.workerPid(gateway, "dave");
    // DuckDB's unpacked native library: mapped by the worker, no longer on disk, in a folder of the worker's own.
    Path tmp = workerTmp(pid);
    assertThat(tmp).isEmptyDirectory();
    assertThat(Files.readAllLines(Path.of("/proc/" + pid + "/maps"))).anySatisfy(l -> assertThat(l)
        .contains(tmp.resolve("libduckdb_java").toString()).endsWith("(deleted)"));
    int started = events("worker.started").size();
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    waitFor(() -> events("worker.started").size() > started, Duration.ofSeconds(20));
    waitFor(() -> !Files.exists(tmp), Duration.ofSeconds(5));
    assertThat(GatewayTestAccess.workerPid(gateway, "dave")).isNotEqualTo(pid);
    assertThat(drain(s, "SELECT count(*) FROM encounter")).isEqualTo(1);
    assertThat(events("worker.died")).anySatisfy(d -> assertThat(d.path("data").path("cause").asText()).isEqualTo("crash"));
  }

  @Test
  void oneSessionCannotTakeEverySlot() throws Exception {
    // The slots are the point here, not the time limit: a gateway of its own with a limit no
    // loaded CI machine reaches while the test holds its results open.
    Path workerTmp;
    try (GatewayFixture slots = new GatewayFixture("slots", TestHome.PROJECT, TestHome.config()
        .withQueryTimeout(Duration.ofSeconds(120)).withMemoryLimit("256MB").withMaxConcurrentQueries(4)
        .withMaxQueriesPerUser(3).withMaxQueriesPerSession(2), Duration.ofSeconds(10))) {
      Gateway g = slots.gateway;
      GatewaySession s = TestHome.session("erin", TestHome.PROJECT, SessionKind.REMOTE);
      // Two open results hold the session's two slots (results not read stay open).
      PlannedQuery a = g.plan(s, "SELECT * FROM lab_result");
      PlannedQuery b = g.plan(s, "SELECT * FROM lab_result");
      try (RunningQuery ra = g.execute(a, slots.allocator); RunningQuery rb = g.execute(b, slots.allocator)) {
        PlannedQuery c = g.plan(s, "SELECT 1 AS one");
        assertThatThrownBy(() -> g.execute(c, slots.allocator)).isInstanceOfSatisfying(GatewayRefusal.class,
            r -> assertThat(r.code()).isEqualTo("GW-SESSION-LIMIT"));
        // A second session of the same user has room until the user's cap.
        GatewaySession s2 = new GatewaySession("s-erin-2", s.subject(), SessionKind.REMOTE, s.expiresAt());
        try (RunningQuery rc = g.execute(g.plan(s2, "SELECT * FROM lab_result"), slots.allocator)) {
          PlannedQuery d = g.plan(s2, "SELECT 1 AS one");
          assertThatThrownBy(() -> g.execute(d, slots.allocator)).isInstanceOfSatisfying(GatewayRefusal.class,
              r -> assertThat(r.code()).isEqualTo("GW-USER-LIMIT"));
          // Another researcher is not affected.
          PlannedQuery e = g.plan(TestHome.session("frank", TestHome.PROJECT, SessionKind.REMOTE), "SELECT 1 AS one");
          try (RunningQuery re = g.execute(e, slots.allocator)) {
            assertThat(re.next()).isTrue();
            assertThat(re.root().getRowCount()).isEqualTo(1);
          }
        }
      }
      workerTmp = workerTmp(GatewayTestAccess.workerPid(g, "erin"));
      assertThat(workerTmp).exists();
      slots.gateway.audit().flushWithin(Duration.ZERO);
      assertThat(slots.audit()).filteredOn(n -> n.path("event").asText().equals("query.finished"))
          .anySatisfy(f -> assertThat(f.path("data").path("code").asText()).isEqualTo("GW-SESSION-LIMIT"));
    }
    assertThat(workerTmp).as("a closed gateway leaves no worker folder").doesNotExist();
  }

  /** The worker's own temporary folder, from its command line. */
  private static Path workerTmp(long pid) throws Exception {
    String arg = java.util.Arrays.stream(Files.readString(Path.of("/proc/" + pid + "/cmdline")).split("\0"))
        .filter(a -> a.startsWith("-Djava.io.tmpdir=")).findFirst().orElseThrow();
    return Path.of(arg.substring("-Djava.io.tmpdir=".length()));
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
