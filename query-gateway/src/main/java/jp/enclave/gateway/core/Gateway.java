package jp.enclave.gateway.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jp.enclave.audit.AuditLog;
import jp.enclave.policies.PolicyEngine;
import jp.enclave.policies.ProjectFacts;
import jp.enclave.sealed.KeyVault;
import jp.enclave.sealed.LocalKeyEncryptionKey;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.extract.ExtractManifest;
import jp.enclave.sealed.extract.SealedExtract;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.sql.SqlNode;
import org.duckdb.DuckDBConnection;

/**
 * The gateway core for one project, independent of any wire protocol: plan (guard → parse →
 * shape → validate against the project catalog → authorize → unparse to DuckDB), then execute
 * as Arrow batches. Every accepted or refused plan and every finished execution is audited.
 */
public final class Gateway implements AutoCloseable {
  private final GatewayConfig config;
  private final ProjectCatalog catalog;
  private final ExtractDatabase database;
  private final PrivateScratch scratch;
  private final AuditLog audit;
  private final InputGuard guard;
  private final Authorization authorization;
  private final PolicyEngine policies;
  private final Semaphore slots;
  private final ScheduledExecutorService timer;
  private final Clock clock;
  private final com.google.common.cache.Cache<String, Compiled> compiledQueries;
  /** Characters of query text (as sent plus as rewritten) whose checked form is kept: about 32 MB. */
  private static final long COMPILED_CHARS_KEPT = 16_000_000;

  private Gateway(GatewayConfig config, ExtractManifest manifest, Path database, PrivateScratch scratch,
      PolicyEngine policies, AuditLog audit, Clock clock) {
    this.config = config;
    this.catalog = new ProjectCatalog(manifest);
    this.scratch = scratch;
    this.database = ExtractDatabase.open(database, scratch.dir().resolve("spill"), config);
    this.audit = audit;
    this.guard = new InputGuard(config, catalog.reservedNames());
    this.policies = policies;
    this.authorization = new Authorization(policies, catalog,
        new ProjectFacts(manifest.projectId(), config.projectApprovedUntil(), config.freeTextOnsite()));
    this.slots = new Semaphore(config.maxConcurrentQueries(), true);
    java.util.concurrent.ScheduledThreadPoolExecutor timeouts = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "gateway-timeouts-" + manifest.projectId());
      t.setDaemon(true);
      return t;
    });
    // A finished query's timer is dropped at once, not kept queued until its time limit.
    timeouts.setRemoveOnCancelPolicy(true);
    this.timer = timeouts;
    this.clock = clock;
    this.compiledQueries = com.google.common.cache.CacheBuilder.newBuilder()
        .maximumWeight(COMPILED_CHARS_KEPT)
        .<String, Compiled>weigher((sql, c) -> sql.length() + c.duckSql().length())
        .build();
  }

  /**
   * Opens project {@code projectId}'s sealed extract from the data holder's layout under
   * {@code home}: decrypts it into a fresh private RAM scratch (removed on {@link #close()}) and
   * opens it read-only. Uses the extract KEK only; never the pseudonymization keys.
   */
  public static Gateway open(Path home, String projectId, GatewayConfig config, AuditLog audit) {
    return open(home, projectId, config, PolicyEngine.loadDefault(), audit, Clock.systemUTC());
  }

  public static Gateway open(Path home, String projectId, GatewayConfig config, PolicyEngine policies,
      AuditLog audit, Clock clock) {
    Path kek = home.resolve("kek/extract.kek");
    if (!Files.isRegularFile(kek)) {
      throw new IllegalStateException("no extract KEK at " + kek + "; the gateway never creates keys");
    }
    KeyVault vault = new KeyVault(home.resolve("keys/extract"), LocalKeyEncryptionKey.openOrCreate(kek));
    PrivateScratch scratch = PrivateScratch.create("gateway");
    try {
      SealedExtract.Opened opened = SealedExtract.open(
          SealedExtract.manifestPath(home.resolve("extracts"), projectId), projectId, vault, scratch);
      Gateway g = new Gateway(config, opened.manifest(), opened.database(), scratch, policies, audit, clock);
      g.audit.append("gateway.opened", Map.of("project", projectId,
          "tables", opened.manifest().tables().size(), "manifestKeyId", opened.manifest().keyId()));
      return g;
    } catch (RuntimeException e) {
      scratch.close();
      throw e;
    }
  }

  public GatewayConfig config() {
    return config;
  }

  public ProjectCatalog catalog() {
    return catalog;
  }

  /** The policies this gateway decides with, so a front end's catalog browsing asks the same ones. */
  public PolicyEngine policies() {
    return policies;
  }

  public AuditLog audit() {
    return audit;
  }

  public String projectId() {
    return catalog.projectId();
  }

  /** Plans SQL received as raw bytes: invalid UTF-8 is refused (and audited) before anything else. */
  public PlannedQuery plan(GatewaySession session, byte[] utf8) {
    String sql;
    try {
      sql = InputGuard.decodeUtf8(utf8);
    } catch (GatewayRefusal r) {
      String id = QueryIds.next(Instant.now(clock));
      auditRefusal(id, session, new String(utf8, java.nio.charset.StandardCharsets.UTF_8), r);
      throw r;
    }
    return plan(session, sql);
  }

  /** Runs every check; returns the plan or throws a {@link GatewayRefusal}. Audited either way. */
  public PlannedQuery plan(GatewaySession session, String sql) {
    Instant now = Instant.now(clock);
    String queryId = QueryIds.next(now);
    long t0 = System.nanoTime();
    try {
      if (!session.projectId().equals(catalog.projectId())) {
        throw Refusals.denyTokenProject(session.projectId());
      }
      if (!session.expiresAt().isAfter(now)) {
        throw Refusals.denyToken("the session has expired");
      }
      Compiled compiled = compiledQueries.getIfPresent(sql);
      boolean compiledBefore = compiled != null;
      if (compiled == null) {
        compiled = compile(sql);
      }
      Authorization.Outcome decision;
      try {
        decision = authorization.authorize(session, compiled.reads(), now);
      } catch (GatewayRefusal r) {
        throw compiled.text().located(r);
      }
      String duckSql = compiled.duckSql();
      ColumnReads.Reads reads = compiled.reads();
      long planNanos = System.nanoTime() - t0;
      Map<String, Object> data = sessionData(queryId, session);
      data.put("sql", sql);
      data.put("duckdbSql", duckSql);
      data.put("decision", "allow");
      data.put("policies", decision.policyIds());
      data.put("reason", decision.reason());
      data.put("planMs", planNanos / 1_000_000.0);
      data.put("compiledBefore", compiledBefore);
      // Write-ahead without waiting: the flush overlaps with starting the query, and start() waits
      // for it before any result exists outside DuckDB.
      long seq = audit.write("query.accepted", data);
      audit.flushSoon();
      return new PlannedQuery(queryId, session, sql, duckSql, reads.tables(), decision.policyIds(),
          decision.reason(), now, planNanos, compiledBefore, seq);
    } catch (GatewayRefusal r) {
      auditRefusal(queryId, session, sql, r);
      throw r;
    } catch (RuntimeException | StackOverflowError e) {
      GatewayRefusal r = e instanceof StackOverflowError ? Refusals.denyTooDeep(0, 0, config.maxNestingDepth())
          : Refusals.denyInternal(queryId);
      Map<String, Object> data = sessionData(queryId, session);
      data.put("sql", sql);
      data.put("decision", "deny");
      data.put("code", r.code());
      data.put("internalError", e.getClass().getName() + ": " + e.getMessage());
      audit.append("query.refused", data);
      throw r;
    }
  }

  /**
   * The session-independent part of planning: guard, parse, shape, validation against the
   * catalog, column reads and the DuckDB text. It depends only on the text, the catalog and the
   * limits, all fixed for this gateway, so it is kept for identical texts; authorization is not.
   */
  private record Compiled(InputGuard.Prepared text, ColumnReads.Reads reads, String duckSql) {}

  private Compiled compile(String sql) {
    InputGuard.Prepared text = guard.check(sql);
    SqlNode validated;
    ColumnReads.Reads reads;
    try {
      SqlNode parsed = SqlParsing.parse(text.text());
      new ShapeCheck(config).check(parsed);
      validated = new CatalogValidation(catalog).validate(parsed);
      // Validation turns bare niladic names (current_user) into calls: check the result again.
      new ShapeCheck(config).check(validated);
      reads = ColumnReads.of(catalog, validated);
    } catch (GatewayRefusal r) {
      throw text.located(r);
    }
    String duckSql = DuckDbUnparse.unparse(validated);
    if (!DuckDbUnparse.reparses(duckSql)) {
      throw Refusals.denyConstruct(org.apache.calcite.sql.parser.SqlParserPos.ZERO,
          "A construct whose DuckDB form the gateway cannot reproduce faithfully");
    }
    Compiled c = new Compiled(text, reads, duckSql);
    compiledQueries.put(sql, c);
    return c;
  }

  private void auditRefusal(String queryId, GatewaySession session, String sql, GatewayRefusal r) {
    Map<String, Object> data = sessionData(queryId, session);
    data.put("sql", sql);
    data.put("decision", "deny");
    data.put("code", r.code());
    data.put("line", r.refusal().line());
    data.put("column", r.refusal().column());
    data.put("reason", r.refusal().message());
    audit.append("query.refused", data);
  }

  private static Map<String, Object> sessionData(String queryId, GatewaySession session) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("queryId", queryId);
    data.put("user", session.userId());
    data.put("project", session.projectId());
    data.put("session", session.sessionId());
    data.put("sessionKind", session.kind().label());
    return data;
  }

  /** Records a front end's event (session opened, token refused, handle misuse) in the same chain. */
  public void auditEvent(String event, Map<String, ?> data) {
    audit.append(event, data);
  }

  /** The Arrow schema the plan's result will have, from DuckDB itself without producing rows. */
  public Schema resultSchema(PlannedQuery plan, BufferAllocator allocator) {
    try (RunningQuery probe = start(plan, "SELECT * FROM (" + plan.duckDbSql() + ") AS \"q\" LIMIT 0", allocator, false)) {
      return probe.root().getSchema();
    }
  }

  /** Starts executing a plan; the caller reads batches and must close the result. */
  public RunningQuery execute(PlannedQuery plan, BufferAllocator allocator) {
    return start(plan, plan.duckDbSql(), allocator, true);
  }

  private RunningQuery start(PlannedQuery plan, String sql, BufferAllocator allocator, boolean audited) {
    try {
      if (!slots.tryAcquire(config.queryTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        throw Refusals.denyBusy(config.maxConcurrentQueries());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Refusals.denyCancelled();
    }
    long start = System.nanoTime();
    DuckDBConnection conn = null;
    Statement stmt = null;
    ResultSet rs = null;
    ArrowReader reader = null;
    ScheduledFuture<?> timeout = null;
    try {
      conn = database.borrow();
      stmt = conn.createStatement();
      AtomicBoolean timedOut = new AtomicBoolean();
      Statement s = stmt;
      timeout = timer.schedule(() -> {
        timedOut.set(true);
        try {
          s.cancel();
        } catch (SQLException e) {
          // Finished in the meantime.
        }
      }, config.queryTimeout().toMillis(), TimeUnit.MILLISECONDS);
      try {
        rs = stmt.executeQuery(sql);
      } catch (SQLException e) {
        if (timedOut.get()) {
          throw Refusals.denyTimeout(config.queryTimeout());
        }
        throw Refusals.denyExecution(sanitize(e.getMessage()));
      }
      audit.awaitDurable(plan.auditSeq());
      reader = RunningQuery.arrow(rs, allocator, config.arrowBatchRows());
      RunningQuery q = new RunningQuery(this, plan, conn, stmt, rs, reader, start, timeout, timedOut,
          audited ? audit : null);
      return q;
    } catch (SQLException | IOException | RuntimeException e) {
      if (timeout != null) {
        timeout.cancel(false);
      }
      closeQuietly(reader, rs, stmt);
      if (conn != null) {
        database.release(conn, false);
      }
      slots.release();
      GatewayRefusal r = e instanceof GatewayRefusal g ? g : Refusals.denyExecution(sanitize(e.getMessage()));
      if (audited) {
        Map<String, Object> data = sessionData(plan.queryId(), plan.session());
        data.put("outcome", "failed");
        data.put("code", r.code());
        data.put("message", r.refusal().message());
        data.put("rows", 0);
        audit.append("query.finished", data);
      }
      throw r;
    }
  }

  void finished(DuckDBConnection connection, boolean healthy) {
    database.release(connection, healthy);
    slots.release();
  }

  /** DuckDB's message without paths of the private scratch. */
  String sanitize(String message) {
    if (message == null) {
      return "unknown error";
    }
    String m = message.replace(scratch.dir().toString(), "<extract>");
    m = m.lines().findFirst().orElse(m);
    return m.length() > 500 ? m.substring(0, 500) + "…" : m;
  }

  private static void closeQuietly(ArrowReader reader, ResultSet rs, Statement stmt) {
    try {
      if (reader != null) {
        reader.close();
      }
    } catch (IOException | RuntimeException e) {
      // Best effort on an already failing path.
    }
    try {
      if (rs != null) {
        rs.close();
      }
      if (stmt != null) {
        stmt.close();
      }
    } catch (SQLException e) {
      // Best effort on an already failing path.
    }
  }

  /**
   * A connection to the same locked-down DuckDB instance, bypassing the firewall, for the
   * benchmark's raw-DuckDB baseline in the same process. No front end calls this.
   */
  public java.sql.Connection baselineConnectionForBenchmark() throws SQLException {
    return database.borrow();
  }

  /** Internal (tests of the DuckDB lockdown): the database behind the firewall. */
  java.sql.Connection rawConnectionForTests() {
    return database.rootConnection();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      database.close();
    } finally {
      scratch.close();
      audit.append("gateway.closed", Map.of("project", catalog.projectId()));
    }
  }
}
