package jp.enclave.server.onsite;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import jp.enclave.policies.ServerPolicies;
import jp.enclave.server.access.Access;
import jp.enclave.server.access.Caller;
import jp.enclave.server.access.Refusals;
import jp.enclave.server.audit.AuditTrail;
import jp.enclave.server.onsite.Visit.VisitState;
import jp.enclave.server.onsite.VisitTransitions.Action;
import jp.enclave.server.onsite.VisitTransitions.Transition;
import jp.enclave.server.registry.Project;
import jp.enclave.server.registry.RegistryStore;
import jp.enclave.server.sessions.SessionService;

/**
 * The onsite desk: staff register and retire terminals, see the day's visits and check visitors
 * in at a terminal; researchers book visits. It also answers the sessions' question "does this
 * request come from a registered, active terminal where the caller is checked in for the
 * project?" ({@link #admits}), which the Cedar policy {@code onsite-from-registered-terminal} uses.
 */
public final class OnsiteService implements SessionService.OnsiteGate {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,40}");

  private final OnsiteStore store;
  private final RegistryStore registry;
  private final Access access;
  private final ServerPolicies policies;
  private final AuditTrail audit;
  private final Clock clock;
  private final Supplier<Presence> presence;
  private final SessionEnd sessions;

  /**
   * What a check-out or a terminal's retirement asks of the sessions package: end the visitor's
   * booked or open onsite sessions of the project, each audited with the reason and the terminal;
   * answers the ended sessions' ids. (A port, not {@code SessionService} itself: that service asks
   * this one {@link #admits}.)
   */
  @FunctionalInterface
  public interface SessionEnd {
    SessionEnd NONE = (by, subject, projectId, reason, terminalId) -> List.of();

    List<String> endOnsite(Caller by, String subject, String projectId, String reason, String terminalId);
  }

  public OnsiteService(OnsiteStore store, RegistryStore registry, Access access, ServerPolicies policies,
      AuditTrail audit, Clock clock, Supplier<Presence> presence) {
    this(store, registry, access, policies, audit, clock, presence, SessionEnd.NONE);
  }

  public OnsiteService(OnsiteStore store, RegistryStore registry, Access access, ServerPolicies policies,
      AuditTrail audit, Clock clock, Supplier<Presence> presence, SessionEnd sessions) {
    this.sessions = sessions;
    this.store = store;
    this.registry = registry;
    this.access = access;
    this.policies = policies;
    this.audit = audit;
    this.clock = clock;
    this.presence = presence;
  }

  /** A newly registered terminal and its enrolment secret, shown this once. */
  public record Registered(Terminal terminal, String secret) {}

  /** Why a presented terminal is (not) recognised; {@code problem} is null when it is. */
  public record Recognition(Terminal terminal, String problem) {
    public boolean recognised() {
      return problem == null;
    }
  }

  public Registered registerTerminal(Caller c, String id, String centerId, String location, String address) {
    String center = centerId == null ? "" : centerId.trim();
    access.check(c, "register a terminal", "onsite/" + center, (a, now) -> policies.mayManageTerminals(a, center, now));
    List<String> problems = new ArrayList<>();
    if (id == null || !ID.matcher(id).matches()) {
      problems.add("id: 2-41 characters of a-z, 0-9 and '-', starting with a letter or digit");
    }
    if (!ID.matcher(center).matches()) {
      problems.add("centerId: 2-41 characters of a-z, 0-9 and '-'");
    }
    if (location == null || location.isBlank()) {
      problems.add("location: say where the terminal stands (room and seat)");
    }
    if (address == null || !validAddress(address.trim())) {
      problems.add("address: the terminal's fixed IPv4 or IPv6 address in the onsite room's network");
    }
    check("terminal", problems);
    if (store.terminal(id).isPresent()) {
      throw Refusals.exists("terminal", id);
    }
    String secret = TerminalSecrets.fresh();
    Terminal t = new Terminal(id, center, location.trim(), normalise(address.trim()), TerminalSecrets.hash(secret),
        Terminal.State.ACTIVE, c.subject(), clock.instant(), null, null, null, 0);
    store.insert(t);
    audit.record(c.subject(), "terminal.registered", "terminal/" + id,
        Map.of("center", center, "location", t.location(), "address", t.address()));
    return new Registered(store.terminal(id).orElseThrow(), secret);
  }

  public Terminal retireTerminal(Caller c, String id, String reason) {
    Terminal t = store.terminal(id).orElseThrow(() -> Refusals.notFound("terminal", id));
    access.check(c, "retire a terminal", "terminal/" + id, (a, now) -> policies.mayManageTerminals(a, t.centerId(), now));
    if (!t.active()) {
      throw Refusals.invalid("retirement", List.of("terminal " + id + " is already retired"));
    }
    if (reason == null || reason.isBlank()) {
      throw Refusals.invalid("retirement", List.of("reason: say why the terminal is retired"));
    }
    Terminal retired = new Terminal(t.id(), t.centerId(), t.location(), t.address(), t.secretHash(),
        Terminal.State.RETIRED, t.registeredBy(), t.registeredAt(), c.subject(), clock.instant(), reason.trim(),
        t.version());
    store.update(retired);
    // Nobody may go on working at a retired terminal: the sessions running there end now, in this
    // transaction (each session.ended names the terminal, the staff member is the actor), and the
    // visitors seated there are checked out, as a check-out does; the gateways' next poll ends them.
    // A consequence of the retirement the policies allowed, so no second question is asked.
    String why = "terminal " + id + " retired at the onsite desk: " + reason.trim();
    List<String> ended = new ArrayList<>();
    List<String> visits = new ArrayList<>();
    for (Visit v : store.checkedInAt(id)) {
      List<String> mine = sessions.endOnsite(c, v.subject(), v.projectId(), why, id);
      ended.addAll(mine);
      visits.add(v.id());
      move(c, v, transition(v, Action.CHECK_OUT), null, null, Map.of("endedSessions", mine, "reason", why));
    }
    audit.record(c.subject(), "terminal.retired", "terminal/" + id, Map.of("center", t.centerId(), "reason", reason.trim(),
        "endedSessions", ended, "checkedOut", visits));
    return store.terminal(id).orElseThrow();
  }

  /** Every terminal (staff): active first. */
  public List<Terminal> terminals(Caller c) {
    access.check(c, "see the onsite terminals", "onsite", (a, now) -> policies.mayViewOnsite(a, "all", now));
    return store.terminals().stream()
        .sorted(java.util.Comparator.comparing((Terminal t) -> !t.active()).thenComparing(Terminal::id)).toList();
  }

  /** Centers with at least one active terminal: where a visit can be booked. */
  public List<String> centers() {
    return List.copyOf(new TreeSet<>(store.terminals().stream().filter(Terminal::active).map(Terminal::centerId).toList()));
  }

  public Visit bookVisit(Caller c, String projectId, String centerId, LocalDate day) {
    Project p = registry.project(projectId == null ? "" : projectId)
        .orElseThrow(() -> Refusals.notFound("project", String.valueOf(projectId)));
    // The same facts as an onsite session at a terminal: member, certified, trained, approved.
    access.requireOpenSession(c, p, "onsite", true);
    List<String> problems = new ArrayList<>();
    if (centerId == null || !centers().contains(centerId)) {
      problems.add("centerId: no onsite center '" + centerId + "' with an active terminal (" + centers() + ")");
    }
    if (day == null || day.isBefore(today())) {
      problems.add("day: a visit is booked for today or a later day");
    } else if (day.isAfter(p.approvedUntil())) {
      problems.add("day: after the project's approval ends (" + p.approvedUntil() + ")");
    }
    check("visit", problems);
    Visit v = new Visit(UUID.randomUUID().toString(), c.subject(), p.id(), centerId, day, VisitState.BOOKED, null, null,
        null, null, null, null, clock.instant(), 0);
    store.insert(v);
    audit.record(c.subject(), "visit.booked", "visit/" + v.id(),
        Map.of("project", p.id(), "center", centerId, "day", day.toString()));
    return store.visit(v.id()).orElseThrow();
  }

  public List<Visit> myVisits(Caller c) {
    return store.visitsOf(c.subject());
  }

  /** The day's visits of every center (staff). */
  public List<Visit> visitsOn(Caller c, LocalDate day) {
    access.check(c, "see the onsite visits", "onsite", (a, now) -> policies.mayViewOnsite(a, "all", now));
    return store.visitsOn(day == null ? today() : day);
  }

  /** Staff saw the visitor's identity document and seat them at {@code terminalId}. */
  public Visit checkIn(Caller c, String visitId, String terminalId, String identityDocument) {
    Visit v = store.visit(visitId).orElseThrow(() -> Refusals.notFound("visit", visitId));
    Transition t = transition(v, Action.CHECK_IN);
    Project p = registry.project(v.projectId()).orElseThrow(() -> Refusals.notFound("project", v.projectId()));
    access.check(c, "check a visitor in", "visit/" + v.id(),
        (a, now) -> policies.mayCheckIn(a, v.id(), v.subject(), v.centerId(), Access.term(p), now));
    List<String> problems = new ArrayList<>();
    if (!v.day().equals(today())) {
      problems.add("day: the visit is booked for " + v.day() + ", not today (" + today() + ")");
    }
    if (!IdentityDocuments.accepted(identityDocument)) {
      problems.add("identityDocument: one of " + IdentityDocuments.ACCEPTED + " must have been seen");
    }
    Optional<Terminal> terminal = terminalId == null ? Optional.empty() : store.terminal(terminalId);
    if (terminal.isEmpty()) {
      problems.add("terminalId: no terminal '" + terminalId + "'");
    } else if (!terminal.get().active()) {
      problems.add("terminalId: terminal " + terminalId + " is retired");
    } else if (!terminal.get().centerId().equals(v.centerId())) {
      problems.add("terminalId: terminal " + terminalId + " is in " + terminal.get().centerId() + ", the visit is booked at "
          + v.centerId());
    } else if (store.visitsOn(today()).stream().anyMatch(o -> o.state() == VisitState.CHECKED_IN
        && terminalId.equals(o.terminalId()))) {
      problems.add("terminalId: another visitor is checked in at terminal " + terminalId);
    }
    check("check-in", problems);
    return move(c, v, t, terminalId, identityDocument);
  }

  public Visit checkOut(Caller c, String visitId) {
    Visit v = store.visit(visitId).orElseThrow(() -> Refusals.notFound("visit", visitId));
    Transition t = transition(v, Action.CHECK_OUT);
    Project p = registry.project(v.projectId()).orElseThrow(() -> Refusals.notFound("project", v.projectId()));
    access.check(c, "check a visitor out", "visit/" + v.id(),
        (a, now) -> policies.mayCheckIn(a, v.id(), v.subject(), v.centerId(), Access.term(p), now));
    // A visitor who has left the room must not leave a session running at the terminal: it ends
    // now (in this transaction, each ending audited with why), not when its token lapses.
    List<String> ended = sessions.endOnsite(c, v.subject(), v.projectId(),
        "checked out at the onsite desk (visit " + v.id() + ")", v.terminalId());
    return move(c, v, t, null, null, Map.of("endedSessions", ended));
  }

  public Visit cancel(Caller c, String visitId) {
    Visit v = own(c, visitId);
    return move(c, v, transition(v, Action.CANCEL), null, null);
  }

  /** The caller's own visit; another's is "not found", not "forbidden". */
  public Visit own(Caller c, String visitId) {
    return store.visit(visitId).filter(v -> v.subject().equals(c.subject()))
        .orElseThrow(() -> Refusals.notFound("visit", visitId));
  }

  /** Whether {@code p} presents an active terminal with its secret from its registered address. */
  public Recognition recognise(Presence p) {
    if (p == null || !p.presentsTerminal()) {
      return new Recognition(null, "no terminal credential presented");
    }
    Optional<Terminal> t = store.terminal(p.terminalId());
    if (t.isEmpty()) {
      return new Recognition(null, "unknown terminal " + p.terminalId());
    }
    if (!TerminalSecrets.matches(p.secret(), t.get().secretHash())) {
      return new Recognition(t.get(), "wrong secret for terminal " + p.terminalId());
    }
    if (!t.get().active()) {
      return new Recognition(t.get(), "terminal " + p.terminalId() + " is retired");
    }
    if (p.address() == null || !normalise(p.address()).equals(t.get().address())) {
      return new Recognition(t.get(), "terminal " + p.terminalId() + " is registered at " + t.get().address()
          + ", the request comes from " + p.address());
    }
    return new Recognition(t.get(), null);
  }

  /** Enrolling a terminal's browser (it then carries the credential as a cookie): audited either way. */
  public Recognition enrol(Presence p) {
    Recognition r = recognise(p);
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("address", String.valueOf(p.address()));
    if (r.recognised()) {
      audit.record("terminal:" + r.terminal().id(), "terminal.enrolled", "terminal/" + r.terminal().id(), detail);
    } else {
      detail.put("problem", r.problem());
      audit.record("anonymous", "terminal.enrolment-refused", "terminal/" + String.valueOf(p.terminalId()), detail);
    }
    return r;
  }

  /**
   * The sessions' question for an onsite session: the request comes from a recognised terminal
   * and the caller is checked in there today for this project. A refusal is audited with why.
   */
  @Override
  public boolean admits(Caller c, String projectId) {
    Presence p = presence.get();
    Recognition r = recognise(p);
    String problem = r.problem();
    if (problem == null) {
      boolean checkedIn = store.visitsOn(today()).stream().anyMatch(v -> v.state() == VisitState.CHECKED_IN
          && v.subject().equals(c.subject()) && v.projectId().equals(projectId) && r.terminal().id().equals(v.terminalId()));
      if (checkedIn) {
        return true;
      }
      problem = "not checked in at terminal " + r.terminal().id() + " today for project " + projectId;
    }
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("project", projectId);
    detail.put("address", String.valueOf(p == null ? null : p.address()));
    detail.put("claimedTerminal", String.valueOf(p == null ? null : p.terminalId()));
    detail.put("problem", problem);
    audit.record(c.subject(), "onsite.terminal-refused", "project/" + projectId, detail);
    return false;
  }

  private Visit move(Caller c, Visit v, Transition t, String terminalId, String document) {
    return move(c, v, t, terminalId, document, Map.of());
  }

  private Visit move(Caller c, Visit v, Transition t, String terminalId, String document, Map<String, Object> more) {
    Visit moved = v.moved(t.to(), c.subject(), clock.instant(), terminalId, document);
    store.update(moved);
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("project", v.projectId());
    detail.put("visitor", v.subject());
    detail.put("center", v.centerId());
    if (terminalId != null) {
      detail.put("terminal", terminalId);
      detail.put("identityDocument", document);
    }
    detail.putAll(more);
    audit.record(c.subject(), t.auditEvent(), "visit/" + v.id(), detail);
    return store.visit(v.id()).orElseThrow();
  }

  private static Transition transition(Visit v, Action a) {
    return VisitTransitions.find(v.state(), a).orElseThrow(() -> Refusals.visitTransition(v.id(),
        v.state().name().toLowerCase(Locale.ROOT), switch (a) {
          case CHECK_IN -> "checked in";
          case CHECK_OUT -> "checked out";
          case CANCEL -> "cancelled";
        }));
  }

  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), Access.ZONE);
  }

  private static void check(String what, List<String> problems) {
    if (!problems.isEmpty()) {
      throw Refusals.invalid(what, problems);
    }
  }

  /** A literal IPv4 or IPv6 address (no host names: they would be resolved at each request). */
  static boolean validAddress(String a) {
    if (a.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      for (String part : a.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          return false;
        }
      }
      return true;
    }
    return a.contains(":") && a.matches("[0-9a-fA-F:.]+") && parses(a);
  }

  private static boolean parses(String a) {
    try {
      java.net.InetAddress.getByName(a);
      return true;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /** One spelling per address, so an IPv6 address matches however it is written. */
  static String normalise(String a) {
    if (a == null || !a.contains(":") || !parses(a)) {
      return a;
    }
    try {
      return java.net.InetAddress.getByName(a).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return a;
    }
  }
}
