package jp.enclave.gateway.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import com.google.crypto.tink.KeysetHandle;
import jp.enclave.gateway.core.Gateway;
import jp.enclave.gateway.pgwire.PgMessagesFuzz;
import jp.enclave.gateway.pgwire.PgRawClient;
import jp.enclave.gateway.pgwire.PgWireServer;
import jp.enclave.gateway.pgwire.ScramSha256;
import jp.enclave.gateway.pgwire.SessionRegistry;
import jp.enclave.gateway.token.SessionTokens;
import jp.enclave.gateway.token.TokenVerifier;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The PostgreSQL front end in the gateway benchmark: the analytic suite through pgwire, Flight
 * SQL and raw DuckDB in one run (per-query ratios and their median); rows per second pulling a
 * large result through psycopg2, psycopg 3 (binary) and R against DuckDB's own Arrow export;
 * connections (SCRAM login) per second; and the message decoder fuzzed for a set time.
 */
final class PgWireBenchmark {
  private static final String PW = "bench-pg-password";

  private PgWireBenchmark() {}

  static void run(Gateway gateway, Connection raw, int flightPort, KeysetHandle signing, String project,
      BufferAllocator allocator, Map<String, String> suite, List<String> only, int rounds, long streamRows,
      boolean doors, boolean pulls) throws Exception {
    TokenVerifier verifier = new TokenVerifier(SessionTokens.publicJwkSet(signing), project, Clock.systemUTC());
    SessionRegistry registry = new SessionRegistry(verifier, gateway, Clock.systemUTC());
    String sid = registry.register(SessionTokens.issue(signing, new SessionTokens.Claims("pg-bench", project, "remote",
        List.of("researcher"), "org-bench", "type2", Instant.now().plus(Duration.ofDays(1)), "sess-pg-bench",
        ScramSha256.newVerifier(PW)), Instant.now(), Duration.ofHours(4)), "benchmark");
    String flightToken = SessionTokens.issue(signing, new SessionTokens.Claims("pg-bench", project, "remote",
        List.of("researcher"), "org-bench", "type2", Instant.now().plus(Duration.ofDays(1)), "sess-flight-bench"),
        Instant.now(), Duration.ofHours(4));
    try (PgWireServer pg = PgWireServer.start(gateway, registry, "127.0.0.1", 0, PgWireServer.Config.defaults(), allocator);
         FlightClient flight = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", flightPort)).build();
         PgRawClient client = new PgRawClient(pg.port())) {
      client.login(sid, PW);
      FlightSqlClient sql = new FlightSqlClient(flight);
      CredentialCallOption auth = new CredentialCallOption(new BearerCredentialWriter(flightToken));
      if (doors) {
        suite(raw, client, sql, auth, allocator, suite, only, rounds);
      }
      if (pulls) {
        clients(raw, pg.port(), sid, allocator, streamRows);
      }
      if (doors) {
        connections(pg.port(), sid);
      }
    }
  }

  /** Rows of one simple query through pgwire (text format, as psql and psycopg2 receive them). */
  static long pgRun(PgRawClient c, String sql) throws Exception {
    c.query(sql);
    long rows = 0;
    while (true) {
      PgRawClient.Message m = c.read();
      if (m.type() == 'D') {
        rows++;
      } else if (m.type() == 'E') {
        throw new IllegalStateException("pgwire refused: " + m.fields());
      } else if (m.type() == 'Z') {
        return rows;
      }
    }
  }

  private static void suite(Connection raw, PgRawClient pg, FlightSqlClient flight, CredentialCallOption auth,
      BufferAllocator allocator, Map<String, String> suite, List<String> only, int rounds) throws Exception {
    System.out.println();
    System.out.println("the suite through three doors (same texts again; median of " + rounds + " rounds, order rotated)");
    System.out.println("query                 raw_ms   pg_ms  pg/raw  flight_ms  flight/raw  rows");
    List<Double> pgRatios = new ArrayList<>();
    List<Double> flightRatios = new ArrayList<>();
    for (Map.Entry<String, String> q : suite.entrySet()) {
      if (only != null && !only.contains(q.getKey())) {
        continue;
      }
      String sql = q.getValue();
      long rows = GatewayBenchmark.rawRun(raw, sql, allocator);
      if (pgRun(pg, sql) != rows || GatewayBenchmark.flightRun(flight, sql, auth) != rows) {
        throw new IllegalStateException(q.getKey() + ": row counts differ between the doors");
      }
      long[] r = new long[rounds];
      long[] p = new long[rounds];
      long[] f = new long[rounds];
      for (int i = 0; i < rounds; i++) {
        for (int k = 0; k < 3; k++) {
          long t0 = System.nanoTime();
          switch ((i + k) % 3) {
            case 0 -> GatewayBenchmark.rawRun(raw, sql, allocator);
            case 1 -> pgRun(pg, sql);
            default -> GatewayBenchmark.flightRun(flight, sql, auth);
          }
          long t = System.nanoTime() - t0;
          switch ((i + k) % 3) {
            case 0 -> r[i] = t;
            case 1 -> p[i] = t;
            default -> f[i] = t;
          }
        }
      }
      double rm = median(r) / 1e6;
      double pm = median(p) / 1e6;
      double fm = median(f) / 1e6;
      pgRatios.add(pm / rm);
      flightRatios.add(fm / rm);
      System.out.printf(Locale.ROOT, "%-20s %8.1f %7.1f %7.3f %10.1f %11.3f  %d%n", q.getKey(), rm, pm, pm / rm, fm, fm / rm, rows);
    }
    System.out.printf(Locale.ROOT, "median ratio over %d queries: pgwire %.3f, Flight SQL %.3f (worst %.3f / %.3f)%n",
        pgRatios.size(), medianD(pgRatios), medianD(flightRatios), max(pgRatios), max(flightRatios));
  }

  /** A large result pulled by each researcher client, timed inside the client (no interpreter start). */
  private static void clients(Connection raw, int port, String sid, BufferAllocator allocator, long streamRows)
      throws Exception {
    String sql = "SELECT lab_id, person_id, lab_code, value, sampled_date FROM lab_result LIMIT " + streamRows;
    long t0 = System.nanoTime();
    long rows = GatewayBenchmark.rawRun(raw, sql, allocator);
    double rawRate = rows / ((System.nanoTime() - t0) / 1e9);
    String dsn = "host=127.0.0.1 port=" + port + " user=" + sid + " dbname=bench sslmode=disable password=" + PW;
    String py2 = """
        import os, sys, time, psycopg2
        c = psycopg2.connect(os.environ['DSN']); t = time.time(); cur = c.cursor(name='big'); cur.itersize = 20000
        cur.execute(os.environ['SQL']); n = sum(1 for _ in cur); print(n, time.time() - t)
        """;
    String py3 = """
        import os, sys, time, psycopg
        c = psycopg.connect(os.environ['DSN']); t = time.time()
        with c.cursor(name='big', binary=True) as cur:
            cur.itersize = 20000; cur.execute(os.environ['SQL']); n = sum(1 for _ in cur)
        print(n, time.time() - t)
        """;
    String r = """
        suppressMessages(library(DBI)); con <- dbConnect(RPostgreSQL::PostgreSQL(), host = "127.0.0.1",
          port = as.integer(Sys.getenv("PGPORT")), user = Sys.getenv("PGUSER"), password = Sys.getenv("PGPASSWORD"), dbname = "bench")
        t <- Sys.time(); res <- dbSendQuery(con, Sys.getenv("SQL")); n <- 0
        repeat { d <- dbFetch(res, n = 100000); if (nrow(d) == 0) break; n <- n + nrow(d) }
        cat(sprintf("%.0f %.3f\\n", n, as.numeric(difftime(Sys.time(), t, units = "secs"))))
        """;
    System.out.println();
    System.out.printf(Locale.ROOT, "pulling %,d rows x 5 cols: DuckDB Arrow export (in process) %,.0f rows/s%n", rows, rawRate);
    report("psycopg2 (text, named cursor)", rows, rawRate, client(Map.of("DSN", dsn, "SQL", sql), "/usr/bin/python3", "-c", py2));
    report("psycopg 3 (binary, named cursor)", rows, rawRate, client(Map.of("DSN", dsn, "SQL", sql), "/usr/bin/python3", "-c", py3));
    report("R (RPostgreSQL, dbFetch of 100k)", rows, rawRate, client(Map.of("PGPORT", String.valueOf(port), "PGUSER", sid,
        "PGPASSWORD", PW, "SQL", sql), "/usr/bin/Rscript", "-e", r));
  }

  private static void report(String who, long expected, double rawRate, String out) {
    String[] v = out.trim().split("\\s+");
    long n = (long) Double.parseDouble(v[0]);
    double s = Double.parseDouble(v[1]);
    System.out.printf(Locale.ROOT, "  %-34s %,12.0f rows/s  (%.3f of DuckDB's export)%s%n", who, n / s, (n / s) / rawRate,
        n == expected ? "" : "  ROWS DIFFER: " + n);
  }

  private static String client(Map<String, String> env, String... command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
    pb.environment().putAll(env);
    Path out = Files.createTempFile("pgbench", ".out");
    pb.redirectOutput(out.toFile());
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(command[0] + " failed");
    }
    String s = Files.readString(out);
    Files.delete(out);
    return s;
  }

  /** Sequential connections (startup, SCRAM-SHA-256 with 4096 PBKDF2 rounds on the client, Terminate) for 5 s. */
  private static void connections(int port, String sid) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    long t0 = System.nanoTime();
    int n = 0;
    while (System.nanoTime() < deadline) {
      try (PgRawClient c = new PgRawClient(port)) {
        c.login(sid, PW);
        c.raw(new byte[] {'X', 0, 0, 0, 4});
      }
      n++;
    }
    System.out.println();
    System.out.printf(Locale.ROOT, "connections: %.1f per second (one client, sequential, SCRAM login included)%n",
        n / ((System.nanoTime() - t0) / 1e9));
  }

  static void fuzz(long seconds) {
    System.out.println();
    long t0 = System.nanoTime();
    long streams = PgMessagesFuzz.run(Duration.ofSeconds(seconds), System.nanoTime());
    System.out.printf(Locale.ROOT, "fuzz: %,d random and damaged message streams decoded in %.0f s, no decoder failure%n",
        streams, (System.nanoTime() - t0) / 1e9);
  }

  private static double median(long[] v) {
    long[] s = v.clone();
    java.util.Arrays.sort(s);
    return s[s.length / 2];
  }

  private static double medianD(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    s.sort(null);
    return s.isEmpty() ? Double.NaN : s.get(s.size() / 2);
  }

  private static double max(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }
}
