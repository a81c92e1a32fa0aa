package jp.enclave.gateway.bench;

import com.google.crypto.tink.KeysetHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import jp.enclave.audit.AuditLog;
import jp.enclave.gateway.core.Gateway;
import jp.enclave.gateway.core.GatewayConfig;
import jp.enclave.gateway.core.GatewaySession;
import jp.enclave.gateway.core.PlannedQuery;
import jp.enclave.gateway.core.RunningQuery;
import jp.enclave.gateway.flight.FlightGatewayServer;
import jp.enclave.gateway.token.SessionTokens;
import jp.enclave.gateway.token.TokenVerifier;
import jp.enclave.policies.Subject;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBResultSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Gateway versus raw DuckDB on the same extract in the same process: per-query time ratio
 * (alternating runs after warm-up), plan+policy time, Flight SQL stream rate against DuckDB's own
 * Arrow export, and throughput with concurrent Flight SQL clients. When the home has no extract
 * for the project, the pseudonymizer builds one (synthetic source, pipeline, provisioning).
 */
@Command(name = "gateway-benchmark", mixinStandardHelpOptions = true)
public final class GatewayBenchmark implements Callable<Integer> {
  @Option(names = "--home", required = true, description = "data holder's home; provisioned by the pseudonymizer if it has no extract for --project")
  Path home;
  @Option(names = "--project", defaultValue = "bench")
  String project;
  @Option(names = "--patients", defaultValue = "1000000", description = "patients of the synthetic source when provisioning")
  long patients;
  @Option(names = "--rounds", defaultValue = "11", description = "timed runs per query and side; the median counts")
  int rounds;
  @Option(names = "--queries", split = ",", description = "run only these suite queries (names as printed)")
  List<String> only;
  @Option(names = "--parts", split = ",", defaultValue = "per-query,stream,concurrency,pgwire,pg-pull,pg-fuzz",
      description = "which measurements to run: ${COMPLETION-CANDIDATES}")
  java.util.EnumSet<Part> parts;

  @Option(names = "--pg-fuzz-seconds", defaultValue = "180", description = "how long to fuzz the PostgreSQL message decoder")
  long pgFuzzSeconds;

  /** pgwire: the suite through three doors and logins/s; pg-pull: the researcher clients' large pulls. */
  enum Part { PER_QUERY, STREAM, CONCURRENCY, PGWIRE, PG_PULL, PG_FUZZ;
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }
  @Option(names = "--warmup", defaultValue = "2")
  int warmup;
  @Option(names = "--plan-warmup", defaultValue = "30", description = "plans of each query (not run) to warm the JIT, as a long-running server is")
  int planWarmup;
  @Option(names = "--clients", defaultValue = "16")
  int clients;
  @Option(names = "--max-workers", defaultValue = "4", description = "the gateway's execution workers (one per client up to this many)")
  int maxWorkers;
  @Option(names = "--concurrency-seconds", defaultValue = "30")
  int concurrencySeconds;
  @Option(names = "--thread-cpu", description = "after the stream runs, one more Flight run with CPU time per thread")
  boolean threadCpu;
  @Option(names = "--stream-rounds", defaultValue = "7")
  int streamRounds;
  @Option(names = "--stream-rows", defaultValue = "5000000")
  long streamRows;
  @Option(names = "--threads", defaultValue = "2")
  int threads;
  @Option(names = "--batch-rows", defaultValue = "65536", description = "rows per Arrow batch the gateway sends")
  int batchRows;
  @Option(names = "--memory-limit", defaultValue = "8GB")
  String memoryLimit;

  /** The analytic suite: cohort counts, trends, exposures, readmissions, windows, 3+ table joins. */
  static final Map<String, String> SUITE = new LinkedHashMap<>();

  static {
    SUITE.put("cohort-sex-age", "SELECT sex, FLOOR(DATEDIFF('year', birth_date, DATE '2024-01-01') / 10) * 10 AS band, count(*) AS n FROM patient GROUP BY 1, 2 ORDER BY 1, 2");
    SUITE.put("cohort-diabetes", "SELECT count(DISTINCT person_id) FROM diagnosis WHERE icd10 LIKE 'E11%'");
    SUITE.put("cohort-prefecture", "SELECT p.prefecture, count(DISTINCT d.person_id) AS n FROM patient p JOIN diagnosis d ON d.person_id = p.person_id WHERE d.icd10 IN ('I10', 'E78.5') GROUP BY 1 ORDER BY 1");
    SUITE.put("lab-trend-month", "SELECT DATE_TRUNC('month', sampled_date) AS m, lab_code, avg(value) AS mean, count(*) AS n FROM lab_result WHERE lab_code IN ('3D046', '3C015') GROUP BY 1, 2 ORDER BY 1, 2");
    SUITE.put("lab-median", "SELECT lab_code, MEDIAN(value), QUANTILE_CONT(value, 0.9) FROM lab_result GROUP BY lab_code ORDER BY lab_code");
    SUITE.put("drug-after-dx", "SELECT m.drug_name, count(DISTINCT d.person_id) FROM diagnosis d JOIN medication m ON m.person_id = d.person_id AND m.order_date BETWEEN d.diagnosis_date AND d.diagnosis_date + INTERVAL '90' DAY WHERE d.icd10 = 'E11.9' GROUP BY 1 ORDER BY 2 DESC, 1");
    SUITE.put("drug-before-after", "SELECT CASE WHEN m.order_date < d.diagnosis_date THEN 'before' ELSE 'after' END AS period, count(*) FROM diagnosis d JOIN medication m ON m.person_id = d.person_id WHERE d.icd10 = 'I50.9' AND d.is_main GROUP BY 1 ORDER BY 1");
    SUITE.put("readmit-30d", "WITH stays AS (SELECT person_id, admit_date, discharge_date, LEAD(admit_date) OVER (PARTITION BY person_id ORDER BY admit_date, encounter_id) AS next_admit FROM encounter WHERE encounter_type = 'inpatient') SELECT count(*) AS stays, count_if(next_admit <= discharge_date + INTERVAL '30' DAY) AS readmitted FROM stays");
    SUITE.put("window-rank", "SELECT department, drug_name, n, RANK() OVER (PARTITION BY department ORDER BY n DESC, drug_name) AS r FROM (SELECT e.department, m.drug_name, count(*) AS n FROM encounter e JOIN medication m ON m.encounter_id = e.encounter_id GROUP BY 1, 2) t ORDER BY department, r");
    SUITE.put("window-first-last", "SELECT lab_code, avg(last_v - first_v) FROM (SELECT DISTINCT person_id, lab_code, FIRST_VALUE(value) OVER w AS first_v, LAST_VALUE(value) OVER w AS last_v FROM lab_result WHERE lab_code = '3D046' WINDOW w AS (PARTITION BY person_id, lab_code ORDER BY sampled_date, lab_id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) t GROUP BY lab_code");
    SUITE.put("join-3-tables", "SELECT p.sex, e.encounter_type, count(DISTINCT d.person_id) FROM patient p JOIN encounter e ON e.person_id = p.person_id JOIN diagnosis d ON d.encounter_id = e.encounter_id WHERE d.is_main GROUP BY 1, 2 ORDER BY 1, 2");
    SUITE.put("join-4-tables", "SELECT r.facility_id, count(DISTINCT p.person_id) AS patients, avg(v.systolic_bp) AS sbp FROM patient p JOIN registration r ON r.person_id = p.person_id JOIN vital_sign v ON v.person_id = p.person_id JOIN diagnosis d ON d.person_id = p.person_id WHERE d.icd10 = 'I10' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20");
    SUITE.put("dpc-los", "SELECT main_icd10, discharge_outcome, avg(los_days), count(*) FROM dpc_admission GROUP BY ROLLUP(main_icd10, discharge_outcome) ORDER BY 1 NULLS FIRST, 2 NULLS FIRST");
    SUITE.put("bmi-by-sex", "SELECT p.sex, round(avg(v.weight_kg / POWER(v.height_cm / 100, 2)), 2) FROM vital_sign v JOIN patient p ON p.person_id = v.person_id GROUP BY 1 ORDER BY 1");
    SUITE.put("allergy-exists", "SELECT count(*) FROM patient p WHERE EXISTS (SELECT 1 FROM allergy a WHERE a.person_id = p.person_id AND a.severity = 'severe')");
    SUITE.put("hba1c-control", "SELECT m.drug_name, count(*) FILTER (WHERE l.value >= 7) AS poor, count(*) AS n FROM lab_result l JOIN medication m ON m.encounter_id = l.encounter_id WHERE l.lab_code = '3D046' GROUP BY 1 ORDER BY 1");
    SUITE.put("setop-intersect", "SELECT count(*) FROM (SELECT person_id FROM diagnosis WHERE icd10 = 'E11.9' INTERSECT SELECT person_id FROM lab_result WHERE lab_code = '3D046' AND value > 7) t");
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new GatewayBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!Files.exists(home.resolve("extracts").resolve(project + ".manifest.json"))) {
      long t0 = System.nanoTime();
      System.out.printf(Locale.ROOT, "provisioning %s with the pseudonymizer: %,d patients into %s%n", project,
          patients, home);
      jp.enclave.gateway.HolderFixture.provision(home, (int) patients, project, jp.enclave.gateway.HolderFixture.ALL_TABLES,
          List.of());
      System.out.printf(Locale.ROOT, "built in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
    Path audit = Files.createTempDirectory("gateway-bench-audit").resolve("audit.jsonl");
    GatewayConfig config = GatewayConfig.defaults()
        .withProjectApprovedUntil(Instant.now().plus(Duration.ofDays(1)))
        .withThreads(threads).withMemoryLimit(memoryLimit).withArrowBatchRows(batchRows).withMaxConcurrentQueries(Math.max(8, clients))
        .withMaxWorkers(maxWorkers).withQueryTimeout(Duration.ofMinutes(10));
    try (RootAllocator allocator = new RootAllocator();
         Gateway gateway = Gateway.open(home, project, config, AuditLog.open(audit, config.auditSync()))) {
      GatewaySession session = new GatewaySession("bench", new Subject("bench", java.util.Set.of("researcher"),
          "org-bench", "type2", Instant.now().plus(Duration.ofDays(1)), project),
          GatewaySession.SessionKind.REMOTE, Instant.now().plus(Duration.ofDays(1)));
      System.out.printf(Locale.ROOT, "extract %s: %s; DuckDB threads=%d memory=%s; audit fsync=%s%n", project,
          gateway.catalog().tables().keySet(), threads, memoryLimit, config.auditSync());
      if (parts.contains(Part.PER_QUERY)) {
        perQuery(gateway, session, allocator);
      }
      if (parts.contains(Part.PG_FUZZ)) {
        PgWireBenchmark.fuzz(pgFuzzSeconds);
      }
      try (Connection raw = jp.enclave.gateway.core.GatewayTestAccess.raw(gateway)) {
        KeysetHandle signing = SessionTokens.newSigningKeyset();
        TokenVerifier verifier = new TokenVerifier(SessionTokens.publicJwkSet(signing), project, Clock.systemUTC());
        try (FlightGatewayServer server = FlightGatewayServer.start(gateway, verifier, "127.0.0.1", 0, allocator)) {
          if (parts.contains(Part.STREAM)) {
            streamRate(raw, server.port(), signing, allocator);
          }
          if (parts.contains(Part.CONCURRENCY)) {
            concurrency(raw, server.port(), signing, allocator);
          }
          if (parts.contains(Part.PGWIRE) || parts.contains(Part.PG_PULL)) {
            PgWireBenchmark.run(gateway, raw, server.port(), signing, project, allocator, SUITE, only, rounds, streamRows,
                parts.contains(Part.PGWIRE), parts.contains(Part.PG_PULL));
          }
        }
      }
    }
    return 0;
  }

  /**
   * Per query, alternating sides: raw DuckDB; the gateway with the exact text again (its checked
   * form comes from the gateway's cache, policies are asked afresh), and the gateway with a text
   * it has not seen (a unique trailing comment: every stage runs, as for a researcher's new query).
   */
  private void perQuery(Gateway gateway, GatewaySession session, BufferAllocator allocator) throws Exception {
    System.out.println();
    System.out.println("                              again (same text)       new text");
    System.out.println("query                 raw_ms   gw_ms   ratio  plan_ms   gw_ms   ratio  plan_ms  rows");
    List<Double> againRatios = new ArrayList<>();
    List<Double> newRatios = new ArrayList<>();
    List<Long> allAgain = new ArrayList<>();
    List<Long> allNew = new ArrayList<>();
    int[] fresh = {0};
    for (int i = 0; i < planWarmup; i++) {
      for (String sql : SUITE.values()) {
        gateway.plan(session, sql + " /* warm-up " + fresh[0]++ + " */");
      }
    }
    try (Connection raw = jp.enclave.gateway.core.GatewayTestAccess.raw(gateway)) {
      for (Map.Entry<String, String> q : SUITE.entrySet()) {
        if (only != null && !only.contains(q.getKey())) {
          continue;
        }
        String sql = q.getValue();
        List<Long> againPlans = new ArrayList<>();
        List<Long> newPlans = new ArrayList<>();
        for (int i = 0; i < warmup; i++) {
          rawRun(raw, sql, allocator);
          gatewayRun(gateway, session, sql, allocator, againPlans);
          gatewayRun(gateway, session, sql + " /* text " + fresh[0]++ + " */", allocator, newPlans);
        }
        againPlans.clear();
        newPlans.clear();
        long[] r = new long[rounds];
        long[] a = new long[rounds];
        long[] n = new long[rounds];
        for (int i = 0; i < rounds; i++) {
          String newText = sql + " /* text " + fresh[0]++ + " */";
          // Rotate which side goes first so caches and JIT favour none.
          for (int k = 0; k < 3; k++) {
            switch ((i + k) % 3) {
              case 0 -> r[i] = time(() -> rawRun(raw, sql, allocator));
              case 1 -> a[i] = time(() -> gatewayRun(gateway, session, sql, allocator, againPlans));
              default -> n[i] = time(() -> gatewayRun(gateway, session, newText, allocator, newPlans));
            }
          }
        }
        long rows = rawRun(raw, sql, allocator);
        double rm = median(r) / 1e6;
        double am = median(a) / 1e6;
        double nm = median(n) / 1e6;
        againRatios.add(am / rm);
        newRatios.add(nm / rm);
        allAgain.addAll(againPlans);
        allNew.addAll(newPlans);
        System.out.printf(Locale.ROOT, "%-20s %8.1f %7.1f %7.3f %8.2f %7.1f %7.3f %8.2f  %d%n", q.getKey(), rm, am, am / rm,
            median(againPlans) / 1e6, nm, nm / rm, median(newPlans) / 1e6, rows);
      }
    }
    summary("again (same text)", againRatios, allAgain);
    summary("new text", newRatios, allNew);
    long[] checks;
    synchronized (SCAN_CHECKS) {
      checks = SCAN_CHECKS.stream().mapToLong(Long::longValue).filter(v -> v > 0).sorted().toArray();
    }
    long[] newPlans = allNew.stream().mapToLong(Long::longValue).sorted().toArray();
    if (checks.length > 0) {
      // New texts pay the DuckDB scan check; planning without it is the same plans minus its time.
      System.out.printf(Locale.ROOT, "second column check (DuckDB plan in the worker): p50 %.2f ms, p95 %.2f ms over %d new texts; "
          + "new-text planning p50 %.2f ms with it, %.2f ms without it%n", checks[checks.length / 2] / 1e6,
          checks[(int) (checks.length * 0.95)] / 1e6, checks.length, newPlans[newPlans.length / 2] / 1e6,
          (newPlans[newPlans.length / 2] - checks[checks.length / 2]) / 1e6);
    }
  }

  /** Per plan, the time of its second column check (zero when the text was checked before). */
  private static final List<Long> SCAN_CHECKS = java.util.Collections.synchronizedList(new ArrayList<>());

  private static void summary(String label, List<Double> ratios, List<Long> plans) {
    double[] rs = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    long[] ps = plans.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf(Locale.ROOT, "%s: ratio median %.3f (goal <= 1.05), worst %.3f (goal <= 1.20); "
        + "plan+policy p50 %.2f ms (goal <= 3), p95 %.2f ms over %d plans%n", label, rs[rs.length / 2],
        rs[rs.length - 1], ps[ps.length / 2] / 1e6, ps[(int) (ps.length * 0.95)] / 1e6, ps.length);
  }

  private static double median(List<Long> values) {
    return median(values.stream().mapToLong(Long::longValue).toArray());
  }

  interface Run {
    long run() throws Exception;
  }

  private static long time(Run r) throws Exception {
    long t0 = System.nanoTime();
    r.run();
    return System.nanoTime() - t0;
  }

  private static double median(long[] values) {
    long[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
  }

  /** Raw DuckDB, consumed the same way as the gateway: its Arrow export, every batch. */
  static long rawRun(Connection raw, String sql, BufferAllocator allocator) throws Exception {
    long rows = 0;
    try (Statement s = raw.createStatement(); ResultSet rs = s.executeQuery(sql);
         ArrowReader reader = (ArrowReader) rs.unwrap(DuckDBResultSet.class).arrowExportStream(allocator, 65_536)) {
      while (reader.loadNextBatch()) {
        rows += reader.getVectorSchemaRoot().getRowCount();
      }
    }
    return rows;
  }

  static long gatewayRun(Gateway gateway, GatewaySession session, String sql, BufferAllocator allocator,
      List<Long> plans) {
    PlannedQuery plan = gateway.plan(session, sql);
    plans.add(plan.planNanos());
    SCAN_CHECKS.add(plan.scanCheckNanos());
    long rows = 0;
    try (RunningQuery q = gateway.execute(plan, allocator)) {
      while (q.next()) {
        rows += q.root().getRowCount();
      }
    }
    return rows;
  }

  private String token(KeysetHandle signing, String user) {
    return SessionTokens.issue(signing, new SessionTokens.Claims(user, project, "remote", List.of("researcher"),
        "org-bench", "type2", Instant.now().plus(Duration.ofDays(1)), "sess-" + user), Instant.now(), Duration.ofHours(2));
  }

  private void streamRate(Connection raw, int port, KeysetHandle signing, BufferAllocator allocator) throws Exception {
    String sql = "SELECT lab_id, person_id, lab_code, value, sampled_date FROM lab_result LIMIT " + streamRows;
    CredentialCallOption auth = new CredentialCallOption(new BearerCredentialWriter(token(signing, "stream")));
    try (FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port)).build()) {
      FlightSqlClient sqlClient = new FlightSqlClient(client);
      long[] rawNs = new long[streamRounds];
      long[] flightNs = new long[streamRounds];
      long[] rawCpu = new long[streamRounds];
      long[] flightCpu = new long[streamRounds];
      long rows = 0;
      for (int i = -1; i < streamRounds; i++) {
        long cr = cpuNanos();
        long tr = System.nanoTime();
        rows = rawRun(raw, sql, allocator);
        tr = System.nanoTime() - tr;
        cr = cpuNanos() - cr;
        long cf = cpuNanos();
        long tf = System.nanoTime();
        long frows = flightRun(sqlClient, sql, auth);
        tf = System.nanoTime() - tf;
        cf = cpuNanos() - cf;
        if (frows != rows) {
          throw new IllegalStateException("flight returned " + frows + " rows, DuckDB " + rows);
        }
        if (i >= 0) {
          rawNs[i] = tr;
          flightNs[i] = tf;
          rawCpu[i] = cr;
          flightCpu[i] = cf;
        }
      }
      if (threadCpu) {
        java.lang.management.ThreadMXBean tm = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<Long, Long> before = new java.util.HashMap<>();
        for (long id : tm.getAllThreadIds()) {
          before.put(id, tm.getThreadCpuTime(id));
        }
        long p0 = cpuNanos();
        flightRun(sqlClient, sql, auth);
        long p1 = cpuNanos();
        Map<String, Long> byName = new java.util.TreeMap<>();
        for (long id : tm.getAllThreadIds()) {
          java.lang.management.ThreadInfo ti = tm.getThreadInfo(id);
          long t = tm.getThreadCpuTime(id) - before.getOrDefault(id, 0L);
          if (ti != null && t > 1_000_000) {
            byName.merge(ti.getThreadName().replaceAll("[0-9]+", "N"), t, Long::sum);
          }
        }
        long java = byName.values().stream().mapToLong(Long::longValue).sum();
        byName.forEach((k, v) -> System.out.printf(Locale.ROOT, "  thread %-40s %.3f s%n", k, v / 1e9));
        System.out.printf(Locale.ROOT, "  process %.3f s, of it outside Java threads (DuckDB) %.3f s%n", (p1 - p0) / 1e9, (p1 - p0 - java) / 1e9);
      }
      double rawRate = rows / (median(rawNs) / 1e9);
      double flightRate = rows / (median(flightNs) / 1e9);
      System.out.println();
      System.out.printf(Locale.ROOT, "stream %,d rows x 5 cols: DuckDB Arrow export %,.0f rows/s, Flight SQL %,.0f rows/s, ratio %.3f (goal >= 0.8)%n",
          rows, rawRate, flightRate, flightRate / rawRate);
      System.out.printf(Locale.ROOT, "  process CPU per run (both cores): DuckDB Arrow export %.2f s in %.2f s, Flight SQL (server and client) %.2f s in %.2f s%n",
          median(rawCpu) / 1e9, median(rawNs) / 1e9, median(flightCpu) / 1e9, median(flightNs) / 1e9);
    }
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static long flightRun(FlightSqlClient client, String sql, CredentialCallOption auth) throws Exception {
    FlightInfo info = client.execute(sql, auth);
    long rows = 0;
    try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket(), auth)) {
      while (stream.next()) {
        rows += stream.getRoot().getRowCount();
      }
    }
    return rows;
  }

  private void concurrency(Connection raw, int port, KeysetHandle signing, BufferAllocator allocator) throws Exception {
    List<String> mix = List.of(SUITE.get("cohort-diabetes"), SUITE.get("cohort-sex-age"), SUITE.get("bmi-by-sex"),
        SUITE.get("allergy-exists"), SUITE.get("dpc-los"), SUITE.get("lab-trend-month"));
    double flightQps = load(clients, mix, n -> {
      FlightClient c = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port)).build();
      FlightSqlClient s = new FlightSqlClient(c);
      CredentialCallOption auth = new CredentialCallOption(new BearerCredentialWriter(token(signing, "client" + n)));
      return new Client() {
        public void run(String sql) throws Exception {
          flightRun(s, sql, auth);
        }

        public void close() throws Exception {
          c.close();
        }
      };
    });
    double rawQps = load(clients, mix, n -> {
      Connection c = ((org.duckdb.DuckDBConnection) raw).duplicate();
      return new Client() {
        public void run(String sql) throws Exception {
          rawRun(c, sql, allocator);
        }

        public void close() throws Exception {
          c.close();
        }
      };
    });
    System.out.printf(Locale.ROOT, "%d concurrent clients for %d s: Flight SQL gateway %.2f queries/s, raw DuckDB %.2f queries/s, ratio %.3f%n",
        clients, concurrencySeconds, flightQps, rawQps, flightQps / rawQps);
  }

  interface Client extends AutoCloseable {
    void run(String sql) throws Exception;
  }

  interface ClientFactory {
    Client open(int n) throws Exception;
  }

  private double load(int n, List<String> mix, ClientFactory factory) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + Duration.ofSeconds(concurrencySeconds).toNanos();
    long t0 = System.nanoTime();
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int id = i;
        fs.add(pool.submit(() -> {
          try (Client c = factory.open(id)) {
            int k = id;
            while (System.nanoTime() < end) {
              c.run(mix.get(k++ % mix.size()));
              done.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return done.get() / ((System.nanoTime() - t0) / 1e9);
  }
}
