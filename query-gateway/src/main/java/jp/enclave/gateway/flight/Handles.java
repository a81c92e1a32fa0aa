package jp.enclave.gateway.flight;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jp.enclave.gateway.core.Gateway;
import jp.enclave.gateway.core.PlannedQuery;
import jp.enclave.gateway.core.Refusals;
import jp.enclave.gateway.core.RunningQuery;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The handles a Flight client holds between calls: tickets (one planned query waiting for its one
 * DoGet) and prepared statements. Every handle belongs to the session that made it, and every
 * operation on it (execute, bind, close, schema, cancel) checks that: a foreign or unknown handle
 * is NOT_FOUND, audited as {@code handle.refused}, and leaves the owner's handle as it was.
 *
 * <p>The trail accounts for every accepted plan: a ticket's plan ends with {@code query.finished}
 * when it runs, or {@code query.unclaimed} when it expires, is cancelled before running, or the
 * server shuts down; so does the plan made when a prepared statement is created, which its first
 * execution uses.
 */
final class Handles implements AutoCloseable {
  private static final int MAX_HANDLES_PER_SESSION = 64;

  /** A planned query waiting for its DoGet; {@code running} is set while it streams. */
  static final class Ticket {
    final String owner;
    final PlannedQuery plan;
    final Instant expires;
    volatile RunningQuery running;
    /** Set by a cancel that arrives before the query started; the stream checks it once started. */
    volatile boolean cancelRequested;

    Ticket(String owner, PlannedQuery plan, Instant expires) {
      this.owner = owner;
      this.plan = plan;
      this.expires = expires;
    }
  }

  /**
   * A prepared statement: its text (with {@code ?} placeholders, if any), the plan made when it
   * was created (taken by its first execution), the parameter rows last bound, and an expiry that
   * each use pushes back.
   */
  static final class Prepared {
    final String owner;
    final SqlParameters.Template template;
    final Schema datasetSchema;
    final AtomicReference<PlannedQuery> creationPlan;
    volatile List<List<String>> boundRows = List.of();
    volatile Instant expires;

    Prepared(String owner, SqlParameters.Template template, Schema datasetSchema, PlannedQuery creationPlan,
        Instant expires) {
      this.owner = owner;
      this.template = template;
      this.datasetSchema = datasetSchema;
      this.creationPlan = new AtomicReference<>(creationPlan);
      this.expires = expires;
    }
  }

  private final Gateway gateway;
  private final Clock clock;
  private final Duration ttl;
  private final Map<ByteString, Ticket> tickets = new ConcurrentHashMap<>();
  private final Map<ByteString, Ticket> running = new ConcurrentHashMap<>();
  private final Map<ByteString, Prepared> prepared = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final ScheduledExecutorService sweeper;

  Handles(Gateway gateway, Clock clock) {
    this.gateway = gateway;
    this.clock = clock;
    this.ttl = gateway.config().handleTtl();
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "flight-handle-sweeper-" + gateway.projectId());
      t.setDaemon(true);
      return t;
    });
    // Expired handles are accounted for even when no client calls again.
    long period = Math.max(50, Math.min(ttl.toMillis() / 4, 30_000));
    sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  Instant newExpiry() {
    return clock.instant().plus(ttl);
  }

  /** Whether a plan was made longer ago than a handle may live unused (its decision is stale). */
  boolean tooOld(PlannedQuery plan) {
    return plan.plannedAt().plus(ttl).isBefore(clock.instant());
  }

  /** Refuses a new handle when the session already holds too many. */
  void checkRoom(String owner) {
    sweep();
    long mine = tickets.values().stream().filter(t -> t.owner.equals(owner)).count()
        + prepared.values().stream().filter(p -> p.owner.equals(owner)).count();
    if (mine >= MAX_HANDLES_PER_SESSION) {
      throw CallStatus.RESOURCE_EXHAUSTED.withDescription("GW-BUSY: this session holds " + mine
          + " unused tickets or prepared statements; use or close them first").toRuntimeException();
    }
  }

  private ByteString newKey() {
    byte[] id = new byte[16];
    random.nextBytes(id);
    return ByteString.copyFrom(id);
  }

  ByteString addTicket(Ticket t) {
    ByteString key = newKey();
    tickets.put(key, t);
    return key;
  }

  ByteString addPrepared(Prepared p) {
    ByteString key = newKey();
    prepared.put(key, p);
    return key;
  }

  /** Takes a ticket for its one execution; it is then tracked as running until {@link #done}. */
  Ticket claimTicket(ByteString key, String caller) {
    Ticket t = tickets.get(key);
    if (t == null || !t.owner.equals(caller)) {
      throw refused("ticket", "execute", caller);
    }
    if (!tickets.remove(key, t)) {
      throw refused("ticket", "execute", caller);
    }
    if (t.expires.isBefore(clock.instant())) {
      unclaimed(t.plan, "its ticket expired");
      throw refused("ticket", "execute", caller);
    }
    running.put(key, t);
    return t;
  }

  void done(ByteString key) {
    running.remove(key);
  }

  /** The caller's own prepared statement, its expiry pushed back; NOT_FOUND for anyone else. */
  Prepared prepared(ByteString key, String caller, String operation) {
    Prepared p = prepared.get(key);
    if (p == null || !p.owner.equals(caller)) {
      throw refused("prepared statement", operation, caller);
    }
    Instant now = clock.instant();
    if (p.expires.isBefore(now)) {
      if (prepared.remove(key, p)) {
        release(p, "its prepared statement expired");
      }
      throw refused("prepared statement", operation, caller);
    }
    p.expires = now.plus(ttl);
    return p;
  }

  /** Closes the caller's own prepared statement; its unused creation plan is recorded as unclaimed. */
  void closePrepared(ByteString key, String caller) {
    Prepared p = prepared.get(key);
    if (p == null || !p.owner.equals(caller) || !prepared.remove(key, p)) {
      throw refused("prepared statement", "close", caller);
    }
    release(p, "its prepared statement was closed before it ran");
  }

  /**
   * Stops the caller's own ticket: a running query is cancelled in DuckDB, a waiting one is
   * dropped and recorded as unclaimed. Anyone else's ticket is NOT_FOUND and keeps running.
   */
  void cancel(ByteString key, String caller) {
    Ticket r = running.get(key);
    if (r != null && r.owner.equals(caller)) {
      r.cancelRequested = true;
      RunningQuery q = r.running;
      if (q != null) {
        q.cancel();
      }
      gateway.auditEvent("query.cancel-requested", Map.of("queryId", r.plan.queryId(), "by", "CancelFlightInfo"));
      return;
    }
    Ticket t = tickets.get(key);
    if (t != null && t.owner.equals(caller) && tickets.remove(key, t)) {
      unclaimed(t.plan, "its ticket was cancelled before it ran");
      return;
    }
    throw refused("ticket", "cancel", caller);
  }

  /** Records a plan that will never run: schema probes, expired or cancelled tickets, shutdown. */
  void unclaimed(PlannedQuery plan, String why) {
    gateway.unclaimed(plan, why);
  }

  private void release(Prepared p, String why) {
    PlannedQuery plan = p.creationPlan.getAndSet(null);
    if (plan != null) {
      unclaimed(plan, why);
    }
  }

  private FlightRuntimeException refused(String what, String operation, String caller) {
    gateway.auditEvent("handle.refused", Map.of("what", what, "operation", operation,
        "caller", String.valueOf(caller)));
    return FlightErrors.toFlight(Refusals.denyUnknownHandle(what));
  }

  void sweep() {
    Instant now = clock.instant();
    tickets.forEach((key, t) -> {
      if (t.expires.isBefore(now) && tickets.remove(key, t)) {
        unclaimed(t.plan, "its ticket expired");
      }
    });
    prepared.forEach((key, p) -> {
      if (p.expires.isBefore(now) && prepared.remove(key, p)) {
        release(p, "its prepared statement expired");
      }
    });
  }

  /** Server shutdown: every plan still waiting is recorded as unclaimed. */
  @Override
  public void close() {
    sweeper.shutdownNow();
    tickets.forEach((key, t) -> {
      if (tickets.remove(key, t)) {
        unclaimed(t.plan, "the gateway shut down before it ran");
      }
    });
    prepared.forEach((key, p) -> {
      if (prepared.remove(key, p)) {
        release(p, "the gateway shut down before it ran");
      }
    });
  }
}
