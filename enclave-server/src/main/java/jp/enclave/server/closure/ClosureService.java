package jp.enclave.server.closure;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import jp.enclave.server.access.Access;
import jp.enclave.server.access.Caller;
import jp.enclave.server.access.Refusals;
import jp.enclave.server.audit.AuditTrail;
import jp.enclave.server.closure.ClosureTransitions.Event;
import jp.enclave.server.closure.ClosureTransitions.Party;
import jp.enclave.server.closure.ClosureTransitions.Transition;
import jp.enclave.server.registry.Project;
import jp.enclave.server.registry.RegistryStore;

/**
 * Ending projects: a steward closes one (or records that its approval was withdrawn), or the
 * server ends one whose approved period is over. Ending stops the project's sessions and records
 * the request in one transaction; the holder-zone job runner does the rest through
 * {@link #step}. Each move follows {@link ClosureTransitions} and is audited with it.
 */
public final class ClosureService {
  static final int MAX_REASON = 2000;

  /** What ending a project asks of the sessions: end every booked or open one with the reason; how many. */
  @FunctionalInterface
  public interface Sessions {
    int endAll(Caller by, String projectId, String reason);
  }

  private final ClosureStore store;
  private final RegistryStore registry;
  private final Access access;
  private final AuditTrail audit;
  private final Sessions sessions;
  private final Clock clock;

  public ClosureService(ClosureStore store, RegistryStore registry, Access access, AuditTrail audit, Sessions sessions,
      Clock clock) {
    this.store = store;
    this.registry = registry;
    this.access = access;
    this.audit = audit;
    this.sessions = sessions;
    this.clock = clock;
  }

  /** A steward ends a project: {@code cause} is {@code closed} or {@code approval-withdrawn}, with a reason. */
  public Closure close(Caller c, String projectId, String cause, String reason) {
    access.requireManageRegistry(c);
    Project p = registry.project(projectId).orElseThrow(() -> Refusals.notFound("project", projectId));
    List<String> problems = new ArrayList<>();
    Optional<Event> event = ClosureTransitions.startedBy(cause).filter(e -> e != Event.PERIOD_OVER);
    if (event.isEmpty()) {
      problems.add("cause: '" + cause + "' is not one of closed, approval-withdrawn (a period's end is detected by the server)");
    }
    if (reason == null || reason.isBlank()) {
      problems.add("reason: say why the project ends (it is recorded in the archive and the certificate)");
    } else if (reason.length() > MAX_REASON) {
      problems.add("reason: at most " + MAX_REASON + " characters");
    }
    if (!problems.isEmpty()) {
      throw Refusals.invalid("closure", problems);
    }
    return start(c, Party.STEWARD, p, event.get(), cause, reason.strip());
  }

  /** Ends every project whose approved period is over (Tokyo's date) and that is not ending yet; run by the server. */
  public List<Closure> closeLapsed() {
    LocalDate today = LocalDate.now(clock.withZone(Access.ZONE));
    List<Closure> out = new ArrayList<>();
    for (Project p : registry.projects()) {
      if (p.approvedUntil().isBefore(today) && store.find(p.id()).isEmpty()) {
        out.add(start(Caller.SYSTEM, Party.SYSTEM, p, Event.PERIOD_OVER, "period-over",
            "the approved period ended on " + p.approvedUntil()));
      }
    }
    return out;
  }

  private Closure start(Caller c, Party party, Project p, Event e, String cause, String reason) {
    Optional<Closure> existing = store.find(p.id());
    if (existing.isPresent()) {
      String state = existing.get().state().name().toLowerCase(Locale.ROOT);
      audit.record(c.subject(), "project.end-refused", "project/" + p.id(), Map.of("code", "project-already-ended",
          "state", state));
      throw Refusals.projectAlreadyEnded(p.id(), state);
    }
    Transition t = ClosureTransitions.find(ClosureState.ACTIVE, e, party).orElseThrow();
    Instant now = clock.instant();
    int ended = sessions.endAll(c, p.id(), "project ended (" + cause + "): " + reason);
    Closure closure = new Closure(p.id(), t.to(), cause, reason, c.subject(), now, ended, 0, null, null, null, List.of(),
        null, null, now, 0);
    store.insert(closure);
    audit.record(c.subject(), t.auditEvent(), "project/" + p.id(), Map.of("cause", cause, "reason", reason,
        "sessionsEnded", ended));
    return store.find(p.id()).orElseThrow();
  }

  /** A steward retries a failed step (the archive, or the deletion in the holder's zone). */
  public Closure retry(Caller c, String projectId) {
    access.requireManageRegistry(c);
    Closure cl = store.find(projectId).orElseThrow(() -> Refusals.notFound("closure", projectId));
    Transition t = ClosureTransitions.find(cl.state(), Event.RETRY, Party.STEWARD).orElseThrow(() ->
        Refusals.closureTransition(projectId, cl.state().name().toLowerCase(Locale.ROOT), "retry"));
    store.update(cl.moved(t.to(), clock.instant()));
    audit.record(c.subject(), t.auditEvent(), "project/" + projectId, Map.of("after", String.valueOf(cl.error())));
    return store.find(projectId).orElseThrow();
  }

  /** Every closure with its certificate (stewards and auditors). */
  public List<Closure> all(Caller c) {
    access.requireViewRegistry(c);
    return store.all();
  }

  public Closure get(Caller c, String projectId) {
    access.requireViewRegistry(c);
    return store.find(projectId).orElseThrow(() -> Refusals.notFound("closure", projectId));
  }

  /**
   * One system step of the runner: the transition for the closure's state and {@code e}, the
   * change it brings, its audit row with {@code detail}, all in the caller's transaction.
   */
  Closure step(String projectId, Event e, Map<String, ?> detail, UnaryOperator<Closure> change) {
    Closure cl = store.find(projectId).orElseThrow(() -> Refusals.notFound("closure", projectId));
    Transition t = ClosureTransitions.find(cl.state(), e, Party.SYSTEM).orElseThrow(() ->
        Refusals.closureTransition(projectId, cl.state().name().toLowerCase(Locale.ROOT), e.name().toLowerCase(Locale.ROOT)));
    store.update(change.apply(cl).moved(t.to(), clock.instant()));
    audit.record(Caller.SYSTEM.subject(), t.auditEvent(), "project/" + projectId, detail);
    return store.find(projectId).orElseThrow();
  }

  /** A failed step: the reason kept on the closure and audited. */
  Closure fail(String projectId, String why) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("error", why);
    return step(projectId, Event.FAIL, d, cl -> cl.failed(why, clock.instant()));
  }

  Optional<Closure> find(String projectId) {
    return store.find(projectId);
  }
}
