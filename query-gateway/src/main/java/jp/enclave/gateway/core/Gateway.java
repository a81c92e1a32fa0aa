package jp.enclave.gateway.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jp.enclave.audit.AuditLog;
import jp.enclave.policies.PolicyEngine;
import jp.enclave.policies.ProjectFacts;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.extract.ExtractManifest;
import jp.enclave.sealed.extract.SealedExtract;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.sql.SqlNode;

/**
 * The gateway core for one project, independent of any wire protocol: plan (guard → parse →
 * shape → validate against the project catalog → authorize → unparse to DuckDB), then execute
 * as Arrow batches. Every accepted or refused plan and every finished execution is audited.
 */
public final class Gateway implements AutoCloseable {
  private final GatewayConfig config;
  private final ProjectCatalog catalog;
  private final jp.enclave.gateway.worker.WorkerPool workers;
  private final Path extractFile;
  private final ScanCheck scanCheck;
  private final PrivateScratch scratch;
  private final AuditLog audit;
  private final InputGuard guard;
  private final Authorization authorization;
  private final Admission admission;
  /** Waits for the worker's plans of the second column check (the wait is I/O: the planning is in the worker). */
  private final java.util.concurrent.ExecutorService scanChecks = java.util.concurrent.Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "gateway-scan-check");
    t.setDaemon(true);
    return t;
  });
  private final PolicyEngine policies;
  private final ScheduledExecutorService timer;
  private final Clock clock;
  private final com.google.common.cache.Cache<String, Compiled> compiledQueries;
  private final SessionLiveness liveness;
  /** Executions in progress per session, so ending a session can cancel them. */
  private final Map<String, java.util.Set<Execution>> running = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * One execution from admission to close, registered before DuckDB starts so that ending its
   * session stops it even while the worker is still computing its first batch.
   */
  private static final class Execution {
    final String queryId;
    final java.util.concurrent.atomic.AtomicReference<Runnable> stop = new java.util.concurrent.atomic.AtomicReference<>();
    volatile RunningQuery query;
    volatile String endedReason;
    volatile boolean done;

    Execution(String queryId) {
      this.queryId = queryId;
    }

    /**
     * Stops it for its session's end; false if it had finished. The running query is told
     * outside this lock: its close takes its own lock and then this one (via
     * {@code Gateway.finished}), so holding both here in the other order deadlocked the
     * server-link thread against a closing query.
     */
    boolean end(String reason) {
      RunningQuery q;
      synchronized (this) {
        if (done) {
          return false;
        }
        endedReason = reason;
        q = query;
        if (q == null) {
          Runnable s = stop.get();
          if (s != null) {
            s.run();
          }
          return true;
        }
      }
      return q.endSession(reason);
    }

    void attach(RunningQuery q) {
      String reason;
      synchronized (this) {
        query = q;
        reason = endedReason;
      }
      if (reason != null) {
        q.endSession(reason);
      }
    }
  }
  private volatile ProjectFacts projectFacts;
  /** Characters of query text (as sent plus as rewritten) whose checked form is kept: about 32 MB. */
  private static final long COMPILED_CHARS_KEPT = 16_000_000;

  private Gateway(GatewayConfig config, ExtractManifest manifest, Path database, PrivateScratch scratch,
      PolicyEngine policies, AuditLog audit, Clock clock) {
    this.config = config;
    this.catalog = new ProjectCatalog(manifest);
    this.scratch = scratch;
    this.audit = audit;
    this.extractFile = database;
    this.workers = new jp.enclave.gateway.worker.WorkerPool(database, scratch.dir(),
        new jp.enclave.gateway.worker.ExecutionWorker.Settings(config.memoryLimit(), workerCapBytes(config),
            config.threads(), config.maxConcurrentQueries(), config.workerGrace(), java.time.Duration.ofSeconds(60)),
        config.maxWorkers(),
        (event, data) -> {
          Map<String, Object> d = new LinkedHashMap<>(data);
          d.put("project", manifest.projectId());
          audit.append(event, d);
        });
    this.guard = new InputGuard(config, catalog.reservedNames());
    this.policies = policies;
    this.projectFacts = new ProjectFacts(manifest.projectId(), config.projectApprovedUntil(), config.freeTextOnsite());
    this.authorization = new Authorization(policies, catalog, projectFacts);
    this.liveness = new SessionLiveness(clock);
    this.scanCheck = new ScanCheck(catalog);
    this.admission = new Admission(config.maxConcurrentQueries(), config.maxQueriesPerUser(), config.maxQueriesPerSession());
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
    // The gateway's home holds only what the data holder exported to it: sealed extracts, their
    // keys and the extract KEK's configuration (a local key file, or a PKCS#11 token).
    jp.enclave.sealed.extract.ExtractHome extractHome = new jp.enclave.sealed.extract.ExtractHome(home);
    // A gateway that died before closing left its trail open and perhaps its scratch behind.
    CrashRecovery.completeTrail(audit, projectId);
    PrivateScratch scratch = PrivateScratch.create("gateway");
    CrashRecovery.claim(scratch.dir());
    java.util.List<String> swept = CrashRecovery.sweepStaleScratch(scratch.dir().getParent());
    if (!swept.isEmpty()) {
      audit.append("gateway.scratch-removed", Map.of("project", projectId, "folders", swept));
    }
    try {
      SealedExtract.Opened opened = extractHome.open(projectId, scratch);
      Gateway g = new Gateway(config, opened.manifest(), opened.database(), scratch, policies, audit, clock);
      g.audit.append("gateway.opened", Map.of("project", projectId,
          "tables", opened.manifest().tables().size(), "manifestKeyId", opened.manifest().keyId(),
          "memoryCap", g.workers.capDescription()));
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
      requireLive(session);
      Compiled compiled = compiledQueries.getIfPresent(sql);
      boolean compiledBefore = compiled != null;
      if (compiled == null) {
        compiled = compile(sql, session.userId());
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
      data.put("columns", reads.columnLists());
      if (!compiled.onlyDuckDbSaw().isEmpty()) {
        // The two column checks disagreed; the policies decided on both. Kept for the auditor.
        data.put("columnsOnlyDuckDbSaw", compiled.onlyDuckDbSaw());
      }
      data.put("policies", decision.policyIds());
      data.put("reason", decision.reason());
      data.put("planMs", planNanos / 1_000_000.0);
      data.put("scanCheckMs", compiledBefore ? 0.0 : compiled.scanCheckNanos() / 1_000_000.0);
      data.put("compiledBefore", compiledBefore);
      // Write-ahead without waiting: the flush overlaps with starting the query, and start() waits
      // for it before any result exists outside DuckDB.
      long seq = audit.write("query.accepted", data);
      audit.flushSoon();
      return new PlannedQuery(queryId, session, sql, duckSql, reads.tables(), decision.policyIds(),
          decision.reason(), now, planNanos, compiledBefore, seq, compiledBefore ? 0 : compiled.scanCheckNanos());
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
  record Compiled(InputGuard.Prepared text, ColumnReads.Reads firstCheck, Map<String, java.util.Set<String>> scanned,
      ColumnReads.Reads reads, String duckSql, Map<String, java.util.List<String>> onlyDuckDbSaw, long scanCheckNanos) {}

  /** Tests: the checked form of a text, with what each of the two column checks found on its own. */
  Compiled checkedForm(String sql) {
    return compile(sql, "tests");
  }

  /** {@code user}'s worker plans the text for the second column check (the result does not depend on who). */
  private Compiled compile(String sql, String user) {
    InputGuard.Prepared text = guard.check(sql);
    CatalogValidation.Validated v;
    try {
      SqlNode parsed = SqlParsing.parse(text.text());
      // Shape first: it bounds the tree's depth (with a position) before other passes recurse.
      new ShapeCheck(config).check(parsed);
      parsed = DuckDbSugar.expand(parsed, catalog);
      v = new CatalogValidation(catalog).resolve(parsed);
      // Validation turns bare niladic names (current_user) into calls: check the result again.
      new ShapeCheck(config).check(v.node());
    } catch (GatewayRefusal r) {
      throw text.located(r);
    }
    String duckSql = DuckDbUnparse.unparse(v.node());
    if (!DuckDbUnparse.reparses(duckSql)) {
      throw Refusals.denyConstruct(org.apache.calcite.sql.parser.SqlParserPos.ZERO,
          "A construct whose DuckDB form the gateway cannot reproduce faithfully");
    }
    // Second, independent check: what DuckDB itself would scan, planned in the worker while the
    // first check runs here. The policies decide on the union.
    java.util.concurrent.atomic.AtomicLong checkNanos = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.CompletableFuture<Map<String, java.util.Set<String>>> scanning =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          long s0 = System.nanoTime();
          try {
            return scanCheck.scannedColumns(duckSql, planned -> explainInWorker(planned, user));
          } finally {
            checkNanos.set(System.nanoTime() - s0);
          }
        }, scanChecks);
    ColumnReads.Reads reads;
    try {
      reads = ColumnReads.of(catalog, v);
    } catch (GatewayRefusal r) {
      throw text.located(r);
    }
    Map<String, java.util.Set<String>> scanned;
    try {
      scanned = scanning.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
    long scanNanos = checkNanos.get();
    Map<String, java.util.List<String>> onlyDuckDb = reads.missing(scanned, catalog);
    ColumnReads.Reads decided = onlyDuckDb.isEmpty() ? reads : reads.plus(scanned, catalog);
    Compiled c = new Compiled(text, reads, scanned, decided, duckSql, onlyDuckDb, scanNanos);
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

  /**
   * Records that an accepted plan will never run (its handle expired or was closed, only its
   * schema was asked for, its connection ended), so every {@code query.accepted} has an end.
   */
  public void unclaimed(PlannedQuery plan, String why) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("queryId", plan.queryId());
    data.put("user", plan.session().userId());
    data.put("session", plan.session().sessionId());
    data.put("reason", why);
    audit.append("query.unclaimed", data);
  }

  /** Records a front end's event (session opened, token refused, handle misuse) in the same chain. */
  public void auditEvent(String event, Map<String, ?> data) {
    audit.append(event, data);
  }

  /** The Arrow schema the plan's result will have, from DuckDB itself without producing rows. */
  public Schema resultSchema(PlannedQuery plan, BufferAllocator allocator) {
    try (RunningQuery probe = start(plan, "SELECT * FROM (" + plan.duckDbSql() + ") AS \"q\" LIMIT 0", allocator, false, null)) {
      return probe.root().getSchema();
    }
  }

  /** Starts executing a plan; the caller reads batches and must close the result. */
  public RunningQuery execute(PlannedQuery plan, BufferAllocator allocator) {
    return start(plan, plan.duckDbSql(), allocator, true, null);
  }

  /**
   * Stops a query from another thread even before {@link #execute} has returned (DuckDB may
   * compute a whole aggregate before its first batch): a front end's cancel request (PostgreSQL's
   * CancelRequest) calls {@link #cancel()}; the execution is refused {@code GW-CANCELLED}.
   */
  public static final class Cancel {
    private volatile boolean requested;
    private volatile Runnable stop;

    public void cancel() {
      requested = true;
      Runnable s = stop;
      if (s != null) {
        s.run();
      }
    }

    public boolean requested() {
      return requested;
    }

    void bind(Runnable s) {
      stop = s;
      if (requested) {
        s.run();
      }
    }
  }

  /** As {@link #execute(PlannedQuery, BufferAllocator)}, stoppable through {@code cancel} from the start. */
  public RunningQuery execute(PlannedQuery plan, BufferAllocator allocator, Cancel cancel) {
    RunningQuery q = start(plan, plan.duckDbSql(), allocator, true, cancel);
    if (cancel.requested()) {
      q.cancel();
    }
    return q;
  }

  private RunningQuery start(PlannedQuery plan, String sql, BufferAllocator allocator, boolean audited, Cancel cancel) {
    long start = System.nanoTime();
    Admission.Ticket ticket = null;
    jp.enclave.gateway.worker.ExecutionWorker.Call call = null;
    ScheduledFuture<?> timeout = null;
    Execution execution = new Execution(plan.queryId());
    String sessionId = plan.session().sessionId();
    try {
      // A plan made earlier (a ticket, a prepared statement) runs only while its session lives.
      requireLive(plan.session());
      running.computeIfAbsent(sessionId, k -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(execution);
      ticket = admission.enter(plan.session(), config.queryTimeout());
      AtomicBoolean timedOut = new AtomicBoolean();
      java.util.concurrent.atomic.AtomicReference<Runnable> stop = new java.util.concurrent.atomic.AtomicReference<>();
      // The time limit holds from here, whether DuckDB is planning, running or waiting on a slow
      // client: the connection to the worker is closed, and the worker gives up on the query.
      timeout = timer.schedule(() -> {
        timedOut.set(true);
        Runnable s = stop.get();
        if (s != null) {
          s.run();
        }
      }, config.queryTimeout().toMillis(), TimeUnit.MILLISECONDS);
      try {
        call = workers.forUser(plan.session().userId()).open(sql, config.arrowBatchRows(), config.queryTimeout(),
            allocator, s -> {
              stop.set(s);
              execution.stop.set(s);
              if (cancel != null) {
                cancel.bind(s);
              }
              if (timedOut.get() || execution.endedReason != null) {
                s.run();
              }
            });
      } catch (jp.enclave.gateway.worker.ExecutionWorker.Failure f) {
        if (timedOut.get()) {
          throw Refusals.denyTimeout(config.queryTimeout());
        }
        if (execution.endedReason != null) {
          throw Refusals.cancelSessionEnded(execution.endedReason);
        }
        if (cancel != null && cancel.requested()) {
          throw Refusals.denyCancelled();
        }
        throw stopped(f.death(), f.getMessage());
      }
      if (timedOut.get()) {
        call.cancel();
        throw Refusals.denyTimeout(config.queryTimeout());
      }
      audit.awaitDurable(plan.auditSeq());
      RunningQuery q = new RunningQuery(this, plan, call, ticket, start, timeout, timedOut, audited ? audit : null);
      // The session may have ended meanwhile: then the query is stopped at once.
      execution.attach(q);
      return q;
    } catch (IOException | RuntimeException e) {
      forget(sessionId, execution);
      if (timeout != null) {
        timeout.cancel(false);
      }
      if (call != null) {
        call.close();
      }
      if (ticket != null) {
        admission.leave(ticket);
      }
      GatewayRefusal r = e instanceof GatewayRefusal g ? g
          : execution.endedReason != null ? Refusals.cancelSessionEnded(execution.endedReason)
          : cancel != null && cancel.requested() ? Refusals.denyCancelled()
          : Refusals.denyExecution(sanitize(e.getMessage()));
      if (audited) {
        Map<String, Object> data = sessionData(plan.queryId(), plan.session());
        data.put("outcome", RunningQuery.outcomeOf(r));
        data.put("code", r.code());
        data.put("message", r.refusal().message());
        data.put("rows", 0);
        audit.append("query.finished", data);
      }
      throw r;
    }
  }

  /** The refusal for a query whose worker stopped under it, saying why when it is known. */
  GatewayRefusal stopped(jp.enclave.gateway.worker.ExecutionWorker.Death death, String detail) {
    return switch (death) {
      case MEMORY_CAP -> Refusals.denyMemory(config.memoryLimit());
      case RUNAWAY -> Refusals.denyTimeout(config.queryTimeout());
      case CRASH -> Refusals.denyExecution("the query's execution process stopped; it has been restarted, try again");
      case NONE -> Refusals.denyExecution(sanitize(detail));
    };
  }

  /** The operating system's cap on the worker: DuckDB's limit plus room for the worker's JVM. */
  private static long workerCapBytes(GatewayConfig config) {
    return config.memoryLimitBytes() + config.memoryLimitBytes() / 4 + (512L << 20);
  }

  /** The worker plans under the same time limit as a query: DuckDB folds constants while planning. */
  private String explainInWorker(String duckSql, String user) {
    AtomicBoolean timedOut = new AtomicBoolean();
    java.util.concurrent.atomic.AtomicReference<ScheduledFuture<?>> timeout = new java.util.concurrent.atomic.AtomicReference<>();
    try {
      return workers.forUser(user).explain(duckSql, config.queryTimeout(), stop -> timeout.set(timer.schedule(() -> {
        timedOut.set(true);
        stop.run();
      }, config.queryTimeout().toMillis(), TimeUnit.MILLISECONDS)));
    } catch (jp.enclave.gateway.worker.ExecutionWorker.Failure f) {
      throw timedOut.get() ? Refusals.denyTimeout(config.queryTimeout()) : stopped(f.death(), f.getMessage());
    } finally {
      ScheduledFuture<?> t = timeout.get();
      if (t != null) {
        t.cancel(false);
      }
    }
  }

  void finished(RunningQuery q, Admission.Ticket ticket) {
    java.util.Set<Execution> set = running.get(q.plan().session().sessionId());
    if (set != null) {
      set.stream().filter(e -> e.query == q).findFirst().ifPresent(e -> forget(q.plan().session().sessionId(), e));
    }
    admission.leave(ticket);
  }

  private void forget(String sessionId, Execution e) {
    synchronized (e) {
      e.done = true;
    }
    running.computeIfPresent(sessionId, (k, set) -> {
      set.remove(e);
      return set.isEmpty() ? null : set;
    });
  }

  /**
   * Refuses a session that may no longer use the gateway: ended, revoked or lapsed at the enclave
   * server, not listed as open by it, or not confirmable because the server has been unreachable
   * too long. Every front end calls this on each request (the planner and executor call it too).
   */
  public void requireLive(GatewaySession session) {
    SessionLiveness.Verdict v = liveness.check(session.sessionId());
    if (v != null) {
      throw v.serverUnreachable() ? Refusals.denyServerUnreachable(v.reason()) : Refusals.denySessionEnded(v.reason());
    }
  }

  /** Whether the session may still be used (see {@link #requireLive}); never asks the server. */
  public boolean isLive(String sessionId) {
    if (liveness.ended(sessionId) != null) {
      return false;
    }
    return !liveness.followsServer() || liveness.announced().contains(sessionId);
  }

  /**
   * Ends a session here: its next request is refused ({@code GW-SESSION-ENDED}) and its running
   * queries are cancelled. Audited once as {@code session.ended} with the reason and the queries
   * cancelled. Returns how many were cancelled.
   */
  public int endSession(String sessionId, String reason) {
    boolean first = liveness.end(sessionId, reason);
    java.util.List<String> cancelled = new java.util.ArrayList<>();
    java.util.Set<Execution> executions = running.get(sessionId);
    if (executions != null) {
      for (Execution e : java.util.List.copyOf(executions)) {
        if (e.end(reason) && !cancelled.contains(e.queryId)) {
          cancelled.add(e.queryId);
        }
      }
    }
    if (first || !cancelled.isEmpty()) {
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("project", projectId());
      data.put("session", sessionId);
      data.put("reason", reason);
      data.put("cancelledQueries", cancelled);
      audit.append("session.ended", data);
    }
    return cancelled.size();
  }

  /**
   * Follows the enclave server: from now on a session is live only while {@link #sessionsOpen}
   * lists it, and only while that list is younger than {@code staleAfter}. {@code refreshNow} is
   * run (on the request's thread) when a session not listed yet presents itself.
   */
  public void followServer(java.time.Duration staleAfter, Runnable refreshNow) {
    liveness.followServer(staleAfter, refreshNow);
  }

  /**
   * The server's current list of open sessions, as of {@code at}. Sessions listed before and
   * missing now have ended at the server: they are ended here with {@code goneReason}.
   */
  public void sessionsOpen(java.util.Set<String> open, Instant at, String goneReason) {
    for (String was : liveness.announced()) {
      if (!open.contains(was)) {
        endSession(was, goneReason);
      }
    }
    liveness.confirmed(open, at);
  }

  /** When the server's session list was last confirmed (EPOCH if never). */
  public Instant sessionsConfirmedAt() {
    return liveness.confirmedAt();
  }

  /** The project's approval as the policies see it now. */
  public ProjectFacts projectFacts() {
    return projectFacts;
  }

  /** New facts from the enclave server (approval end, free text onsite): decided with from the next query on; audited when they change. */
  public void updateProjectFacts(Instant approvedUntil, boolean freeTextOnsite) {
    ProjectFacts now = new ProjectFacts(projectId(), approvedUntil, freeTextOnsite);
    if (now.equals(projectFacts)) {
      return;
    }
    projectFacts = now;
    authorization.project(now);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("project", projectId());
    data.put("approvedUntil", approvedUntil.toString());
    data.put("freeTextOnsite", freeTextOnsite);
    audit.append("project.facts", data);
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

  /** Tests and the benchmark (test code) open their own DuckDB on this file for raw baselines. */
  Path decryptedExtractForTests() {
    return extractFile;
  }

  jp.enclave.gateway.worker.ExecutionWorker workerForTests(String user) {
    return workers.forUser(user);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    scanChecks.shutdownNow();
    try {
      workers.close();
    } finally {
      scratch.close();
      audit.append("gateway.closed", Map.of("project", catalog.projectId()));
    }
  }
}
