package jp.enclave.server.sessions;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import jp.enclave.gateway.token.SessionTokens;
import jp.enclave.server.access.Access;
import jp.enclave.server.access.Caller;
import jp.enclave.server.access.Refusals;
import jp.enclave.server.audit.AuditTrail;
import jp.enclave.server.registry.Organisation;
import jp.enclave.server.registry.Person;
import jp.enclave.server.registry.Project;
import jp.enclave.server.registry.RegistryStore;
import jp.enclave.server.sessions.SessionTransitions.Action;
import jp.enclave.server.sessions.SessionTransitions.Transition;

/**
 * Booking, opening, renewing, ending and revoking sessions. Booking and opening ask the policies
 * each time (a lapse after booking still refuses the opening); opening issues the gateway token
 * for that user, project and session kind.
 */
public final class SessionService {
  private final SessionStore sessions;
  private final RegistryStore registry;
  private final Access access;
  private final AuditTrail audit;
  private final GatewayTokens tokens;
  private final Gateways gateways;
  private final Clock clock;
  private final OnsiteGate onsite;
  private final ProjectEnds ends;

  /**
   * Whether this request comes from a registered, active onsite terminal at which the caller is
   * checked in for the project (the onsite package answers; without it no request does).
   */
  @FunctionalInterface
  public interface OnsiteGate {
    OnsiteGate NONE = (c, projectId) -> false;

    boolean admits(Caller c, String projectId);
  }

  public SessionService(SessionStore sessions, RegistryStore registry, Access access, AuditTrail audit,
      GatewayTokens tokens, Gateways gateways, Clock clock) {
    this(sessions, registry, access, audit, tokens, gateways, clock, OnsiteGate.NONE);
  }

  /**
   * Why a project can no longer be used, if it has ended or is ending (the closure package answers).
   * Sessions, provisioning, export requests and re-identification filings all ask it.
   */
  @FunctionalInterface
  public interface ProjectEnds {
    ProjectEnds NONE = projectId -> java.util.Optional.empty();

    java.util.Optional<String> why(String projectId);

    /** Refuses {@code action} on an ended or ending project, audited as {@code access.denied}. */
    default void requireNotEnded(AuditTrail audit, Caller c, String projectId, String action) {
      java.util.Optional<String> why = why(projectId);
      if (why.isPresent()) {
        audit.record(c.subject(), "access.denied", "project/" + projectId, Map.of("action", action,
            "code", "project-ended", "reason", why.get()));
        throw Refusals.projectEnded(projectId, why.get());
      }
    }
  }

  public SessionService(SessionStore sessions, RegistryStore registry, Access access, AuditTrail audit,
      GatewayTokens tokens, Gateways gateways, Clock clock, OnsiteGate onsite) {
    this(sessions, registry, access, audit, tokens, gateways, clock, onsite, ProjectEnds.NONE);
  }

  public SessionService(SessionStore sessions, RegistryStore registry, Access access, AuditTrail audit,
      GatewayTokens tokens, Gateways gateways, Clock clock, OnsiteGate onsite, ProjectEnds ends) {
    this.ends = ends;
    this.onsite = onsite;
    this.sessions = sessions;
    this.registry = registry;
    this.access = access;
    this.audit = audit;
    this.tokens = tokens;
    this.gateways = gateways;
    this.clock = clock;
  }

  /** An open session with what a client needs to reach the gateway. */
  public record Opened(Session session, String token, Instant tokenExpires, String gateway, String jdbcUrl,
      PostgresAccess postgres) {}

  /**
   * The same session over PostgreSQL (psql, R, Python): user = the session id, the session's
   * password, and a libpq connection string; null where the project's gateway has no PostgreSQL port.
   */
  public record PostgresAccess(String host, int port, String user, String password, String database,
      String connectionString) {}

  public Session book(Caller c, String projectId, SessionKind kind) {
    Project p = project(projectId);
    refuseEnded(c, p, "book a session");
    access.requireOpenSession(c, p, kind.wire(), atTerminal(c, p, kind));
    Instant now = clock.instant();
    Session s = new Session(UUID.randomUUID().toString(), p.id(), c.subject(), kind, SessionState.BOOKED, now, null,
        null, null, null, 0);
    sessions.insert(s);
    audit.record(c.subject(), "session.booked", "session/" + s.id(), Map.of("project", p.id(), "kind", kind.wire()));
    return sessions.find(s.id()).orElseThrow();
  }

  public Opened open(Caller c, String sessionId) {
    Session s = own(c, sessionId);
    Project p = project(s.projectId());
    Transition t = transition(s, Action.OPEN);
    refuseEnded(c, p, "open a session");
    access.requireOpenSession(c, p, s.kind().wire(), atTerminal(c, p, s.kind()));
    return issue(c, s, p, t);
  }

  /** A fresh token for a session that is still open (short-lived tokens, renewed while it lives). */
  public Opened renew(Caller c, String sessionId) {
    Session s = own(c, sessionId);
    Project p = project(s.projectId());
    Transition t = transition(s, Action.RENEW);
    refuseEnded(c, p, "renew a session");
    access.requireOpenSession(c, p, s.kind().wire(), atTerminal(c, p, s.kind()));
    return issue(c, s, p, t);
  }

  public Session end(Caller c, String sessionId, String reason) {
    Session s = sessions.find(sessionId).orElseThrow(() -> Refusals.notFound("session", sessionId));
    Transition t = transition(s, Action.END);
    access.requireEndSession(c, s.id(), s.subject(), project(s.projectId()));
    return move(c, s, t, reason == null || reason.isBlank() ? "ended by " + c.name() : reason);
  }

  public Session revoke(Caller c, String sessionId, String reason) {
    Session s = sessions.find(sessionId).orElseThrow(() -> Refusals.notFound("session", sessionId));
    Transition t = transition(s, Action.REVOKE);
    access.requireRevokeSession(c, s.id(), s.subject(), project(s.projectId()));
    if (reason == null || reason.isBlank()) {
      throw Refusals.invalid("revocation", List.of("reason: say why the session is revoked"));
    }
    return move(c, s, t, reason);
  }

  /**
   * Ends the visitor's booked or open onsite sessions of a project when they are checked out or
   * the terminal they sit at is retired (called by the onsite desk, whose step the policies have
   * already allowed; the caller is the staff member and is the ending's actor in the audit trail,
   * whose detail names the terminal). Remote sessions are not the desk's business and stay as they are.
   */
  public List<String> endOnsite(Caller by, String subject, String projectId, String reason, String terminalId) {
    List<String> ended = new java.util.ArrayList<>();
    Map<String, Object> where = terminalId == null ? Map.of() : Map.of("terminal", terminalId);
    for (Session s : sessions.active()) {
      if (s.subject().equals(subject) && s.projectId().equals(projectId) && s.kind() == SessionKind.ONSITE) {
        ended.add(move(by, s, transition(s, Action.END), reason, where).id());
      }
    }
    return ended;
  }

  /**
   * Ends every booked or open session whose approval, certification or training has lapsed, or
   * whose project is gone, with the reason (run by the server on a schedule, as itself).
   */
  public List<Session> revokeLapsed() {
    List<Session> out = new java.util.ArrayList<>();
    for (Session s : sessions.active()) {
      java.util.Optional<String> why = registry.project(s.projectId())
          .map(p -> access.lapse(s.subject(), p, s.kind().wire()))
          .orElse(java.util.Optional.of("the project is no longer registered"));
      if (why.isPresent()) {
        out.add(move(Caller.SYSTEM, s, transition(s, Action.LAPSE), "lapsed: " + why.get()));
      }
    }
    return out;
  }

  /**
   * Revokes every booked or open session of a project that is ending, with the reason (the
   * closure's caller was allowed to end the project; each revocation is audited as usual).
   */
  public int endAll(Caller by, String projectId, String reason) {
    int n = 0;
    for (Session s : sessions.active()) {
      if (s.projectId().equals(projectId)) {
        move(by, s, transition(s, Action.REVOKE), reason);
        n++;
      }
    }
    return n;
  }

  private void refuseEnded(Caller c, Project p, String action) {
    ends.requireNotEnded(audit, c, p.id(), action);
  }

  public List<Session> mine(Caller c) {
    return sessions.ofSubject(c.subject());
  }

  /** Every session (stewards revoke from this list). */
  public List<Session> all(Caller c) {
    access.requireViewRegistry(c);
    return sessions.all();
  }

  private Opened issue(Caller c, Session s, Project p, Transition t) {
    Person person = registry.person(c.subject()).orElseThrow(() -> Refusals.notRegistered(c.subject()));
    Organisation org = registry.organisation(person.organisationId())
        .orElseThrow(() -> Refusals.notRegistered(c.subject()));
    Instant now = clock.instant();
    String token = tokens.issue(new SessionTokens.Claims(c.subject(), p.id(), s.kind().wire(),
        List.copyOf(new TreeSet<>(c.roles())), org.id(), org.certificationType().wire(),
        Access.endOf(org.certifiedUntil()), s.id(), tokens.pgVerifier(s.id())), now);
    Session moved = move(c, s, t, null);
    gateways.tokenIssued(moved, token, now.plus(tokens.ttl()));
    // The project's gateway (started now if it is not running) and its actual port.
    String gatewayAddress = gateways.addressFor(p.id());
    String jdbc = "jdbc:arrow-flight-sql://" + gatewayAddress + "/?useEncryption=false&token="
        + URLEncoder.encode(token, StandardCharsets.UTF_8);
    return new Opened(moved, token, now.plus(tokens.ttl()), gatewayAddress, jdbc, postgres(s, p));
  }

  private PostgresAccess postgres(Session s, Project p) {
    String address = gateways.pgAddressFor(p.id());
    if (address == null) {
      return null;
    }
    int colon = address.lastIndexOf(':');
    String host = address.substring(0, colon);
    int port = Integer.parseInt(address.substring(colon + 1));
    return new PostgresAccess(host, port, s.id(), tokens.pgPassword(s.id()), p.id(),
        "host=" + host + " port=" + port + " dbname=" + p.id() + " user=" + s.id() + " sslmode=disable");
  }

  private Session move(Caller c, Session s, Transition t, String reason) {
    return move(c, s, t, reason, Map.of());
  }

  private Session move(Caller c, Session s, Transition t, String reason, Map<String, Object> more) {
    Session moved = s.moved(t.to(), clock.instant(), c.subject(), reason);
    sessions.update(moved);
    if (t.to() == SessionState.ENDED || t.to() == SessionState.REVOKED) {
      gateways.sessionEnded(moved);
    }
    Map<String, Object> detail = new java.util.LinkedHashMap<>();
    detail.put("project", s.projectId());
    detail.put("kind", s.kind().wire());
    if (reason != null) {
      detail.put("reason", reason);
    }
    detail.putAll(more);
    audit.record(c.subject(), t.auditEvent(), "session/" + s.id(), detail);
    return sessions.find(s.id()).orElseThrow();
  }

  private static Transition transition(Session s, Action a) {
    return SessionTransitions.find(s.state(), a).orElseThrow(() ->
        Refusals.transition(s.id(), s.state().name().toLowerCase(java.util.Locale.ROOT),
            switch (a) {
              case OPEN -> "opened";
              case RENEW -> "renewed";
              case END -> "ended";
              case REVOKE, LAPSE -> "revoked";
            }));
  }

  /** A user sees and opens only their own sessions; another's is "not found", not "forbidden". */
  private Session own(Caller c, String sessionId) {
    java.util.Optional<Session> s = sessions.find(sessionId);
    if (s.isPresent() && s.get().subject().equals(c.subject())) {
      return s.get();
    }
    // audited like every refusal, whether the id exists or not (the answer is the same)
    var refusal = Refusals.notFound("session", sessionId);
    audit.record(c.subject(), "access.denied", "session/" + Refusals.clip(sessionId), Map.of("action", "use the session",
        "code", refusal.code(), "exists", s.isPresent()));
    throw refusal;
  }

  /** Only an onsite session asks where the request comes from. */
  private boolean atTerminal(Caller c, Project p, SessionKind kind) {
    return kind == SessionKind.ONSITE && onsite.admits(c, p.id());
  }

  private Project project(String id) {
    return registry.project(id).orElseThrow(() -> Refusals.notFound("project", id));
  }
}
