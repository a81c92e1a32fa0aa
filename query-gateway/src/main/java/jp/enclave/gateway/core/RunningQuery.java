package jp.enclave.gateway.core;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * One execution on DuckDB, read batch by batch as Arrow. Protocol-neutral: a front end calls
 * {@link #next()} when its client can take more (backpressure stays with the front end), sends
 * {@link #root()}, and closes. A server-side timer cancels the query at the time limit whether or
 * not the client is reading. Closing writes the after-audit entry exactly once.
 */
public final class RunningQuery implements AutoCloseable {
  /** How an execution ended, as written to the audit trail. */
  public enum Outcome { COMPLETED, CLOSED_EARLY, CANCELLED, TIMED_OUT, FAILED }

  private static final java.time.Duration FINISHED_FLUSH_DELAY = java.time.Duration.ofMillis(20);

  private final Gateway gateway;
  private final PlannedQuery plan;
  private final jp.enclave.gateway.worker.ExecutionWorker.Call call;
  private final Admission.Ticket ticket;
  private final ArrowReader reader;
  private final ResultFingerprint fingerprint;
  private final long startNanos;
  private final ScheduledFuture<?> timeout;
  private final AtomicBoolean timedOut;
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private volatile String sessionEnded;
  private long rows;
  private boolean exhausted;
  private GatewayRefusal failure;
  private boolean closed;
  private final jp.enclave.audit.AuditLog auditLog;

  RunningQuery(Gateway gateway, PlannedQuery plan, jp.enclave.gateway.worker.ExecutionWorker.Call call,
      Admission.Ticket ticket, long startNanos, ScheduledFuture<?> timeout, AtomicBoolean timedOut,
      jp.enclave.audit.AuditLog audit) throws IOException {
    this.auditLog = audit;
    this.gateway = gateway;
    this.plan = plan;
    this.call = call;
    this.ticket = ticket;
    this.reader = call.reader();
    this.startNanos = startNanos;
    this.timeout = timeout;
    this.timedOut = timedOut;
    this.fingerprint = new ResultFingerprint(reader.getVectorSchemaRoot().getSchema());
  }

  public PlannedQuery plan() {
    return plan;
  }

  /** The batch loaded by the last {@link #next()}; owned by this query, valid until the next call. */
  public VectorSchemaRoot root() {
    try {
      return reader.getVectorSchemaRoot();
    } catch (IOException e) {
      throw fail(e);
    }
  }

  /** Loads the next batch; false at the end of the result. Throws a refusal on timeout or cancel. */
  public boolean next() {
    if (exhausted) {
      return false;
    }
    checkStopped();
    try {
      if (!reader.loadNextBatch()) {
        exhausted = true;
        return false;
      }
    } catch (IOException | RuntimeException e) {
      checkStopped();
      throw fail(e);
    }
    VectorSchemaRoot root = root();
    rows += root.getRowCount();
    fingerprint.add(root);
    return true;
  }

  private void checkStopped() {
    if (timedOut.get()) {
      failure = Refusals.denyTimeout(gateway.config().queryTimeout());
      throw failure;
    }
    if (sessionEnded != null) {
      failure = Refusals.cancelSessionEnded(sessionEnded);
      throw failure;
    }
    if (cancelled.get()) {
      failure = Refusals.denyCancelled();
      throw failure;
    }
  }

  private GatewayRefusal fail(Exception e) {
    if (timedOut.get()) {
      failure = Refusals.denyTimeout(gateway.config().queryTimeout());
    } else if (sessionEnded != null) {
      failure = Refusals.cancelSessionEnded(sessionEnded);
    } else {
      failure = gateway.stopped(call.death(), e.getMessage());
    }
    return failure;
  }

  /** Stops the query from any thread (client went away, or an explicit cancel). */
  public void cancel() {
    if (cancelled.compareAndSet(false, true)) {
      call.cancel();
    }
  }

  /** Its session ended: stop DuckDB now; the next batch asked for is refused with GW-SESSION-ENDED. False if it had finished. */
  boolean endSession(String reason) {
    synchronized (this) {
      if (closed) {
        return false;
      }
    }
    sessionEnded = reason;
    if (cancelled.compareAndSet(false, true)) {
      call.cancel();
    }
    return true;
  }

  public long rows() {
    return rows;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    timeout.cancel(false);
    Outcome outcome;
    if (failure != null) {
      outcome = Outcome.valueOf(outcomeOf(failure).toUpperCase(java.util.Locale.ROOT));
    } else if (timedOut.get()) {
      outcome = Outcome.TIMED_OUT;
    } else if (cancelled.get()) {
      outcome = Outcome.CANCELLED;
      if (sessionEnded != null) {
        failure = Refusals.cancelSessionEnded(sessionEnded);
      }
    } else {
      outcome = exhausted ? Outcome.COMPLETED : Outcome.CLOSED_EARLY;
    }
    call.close();
    gateway.finished(this, ticket);
    if (auditLog == null) {
      return;
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("queryId", plan.queryId());
    data.put("user", plan.session().userId());
    data.put("project", plan.session().projectId());
    data.put("session", plan.session().sessionId());
    data.put("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT));
    data.put("rows", rows);
    data.put("durationMs", (System.nanoTime() - startNanos) / 1_000_000.0);
    if (outcome == Outcome.COMPLETED) {
      data.put("fingerprint", fingerprint.hex());
    }
    if (failure != null) {
      data.put("code", failure.code());
      data.put("message", failure.refusal().message());
    }
    // Its flush need not hold up the client, and usually rides on the next query's write-ahead
    // flush: losing it in a crash only leaves the query looking unfinished, which no export can
    // cite (the checker accepts completed queries only).
    auditLog.write("query.finished", data);
    auditLog.flushWithin(FINISHED_FLUSH_DELAY);
  }

  /** The audit outcome of a refusal that ended an execution. */
  static String outcomeOf(GatewayRefusal r) {
    return switch (r.kind()) {
      case TIMED_OUT -> "timed_out";
      case CANCELLED -> "cancelled";
      default -> "failed";
    };
  }
}
