package jp.enclave.server.onsite;

import static jp.enclave.server.Fixtures.RESEARCHER;
import static jp.enclave.server.Fixtures.TODAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import jp.enclave.server.Fixtures;
import jp.enclave.server.access.Caller;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.access.Refusals;
import jp.enclave.server.onsite.Visit.VisitState;
import jp.enclave.server.sessions.SessionKind;
import jp.enclave.server.sessions.SessionService;
import jp.enclave.server.sessions.SessionState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The onsite desk without a server: who registers terminals and checks visitors in, what a
 * check-in needs, and the onsite session's terminal rule as a table of what a request presents
 * (each refusal audited with why).
 */
class OnsiteServiceTest {
  static final Caller STAFF = new Caller("staff-1", "Staff", Set.of("onsite-staff"));
  static final String TERMINAL_ADDRESS = "10.20.0.11";

  Fixtures f;
  Memory store;
  AtomicReference<Presence> presence;
  OnsiteService onsite;
  SessionService sessions;
  /** What the gateways were told had ended (the managed gateway drops these sessions at its next poll). */
  final List<String> gatewayEnded = new ArrayList<>();

  @BeforeEach
  void world() {
    f = new Fixtures().eligible();
    staffAt(STAFF, "tokyo-1");
    store = new Memory();
    presence = new AtomicReference<>(Presence.of(TERMINAL_ADDRESS, null));
    onsite = new OnsiteService(store, f.registryStore, f.access, Fixtures.POLICIES, f.audit, f.clock, presence::get,
        (by, subject, project, reason, terminal) -> sessions.endOnsite(by, subject, project, reason, terminal));
    jp.enclave.server.sessions.Gateways fixed = jp.enclave.server.sessions.Gateways.fixed("127.0.0.1:47470");
    sessions = new SessionService(f.sessionStore, f.registryStore, f.access, f.audit, f.tokens,
        new jp.enclave.server.sessions.Gateways() {
          public String addressFor(String projectId) { return fixed.addressFor(projectId); }
          public void tokenIssued(jp.enclave.server.sessions.Session s, String token, java.time.Instant expires) {}
          public void sessionEnded(jp.enclave.server.sessions.Session s) { gatewayEnded.add(s.id()); }
        },
        f.clock, onsite);
  }

  private String registerTerminal(String id) {
    return onsite.registerTerminal(STAFF, id, "tokyo-1", "Room 3, seat " + id, TERMINAL_ADDRESS).secret();
  }

  /** A registered onsite-staff member the registry assigns to {@code center}. */
  private void staffAt(Caller staff, String center) {
    f.registry.registerPerson(Fixtures.STEWARD, staff.subject(), staff.name(), "org-a");
    f.registry.assignOnsiteCenter(Fixtures.STEWARD, staff.subject(), center, null);
  }

  private static String code(Runnable r) {
    try {
      r.run();
    } catch (Refusal e) {
      return e.code();
    }
    throw new AssertionError("not refused");
  }

  @Test
  void staffActOnlyAtTheirOwnCenterEveryRefusalExplainedAndAudited() {
    Caller osaka = new Caller("staff-2", "Osaka staff", Set.of("onsite-staff"));
    staffAt(osaka, "osaka-1");
    Caller unassigned = new Caller("staff-3", "New staff", Set.of("onsite-staff"));
    f.registry.registerPerson(Fixtures.STEWARD, unassigned.subject(), unassigned.name(), "org-a");
    registerTerminal("t-01");
    onsite.registerTerminal(osaka, "o-01", "osaka-1", "Osaka room, seat 1", TERMINAL_ADDRESS);
    Visit atOsaka = onsite.bookVisit(RESEARCHER, "p-dm", "osaka-1", TODAY);
    int denials = (int) f.audit.events().stream().filter(e -> e.equals("access.denied")).count();

    // Tokyo's staff at Osaka: register, retire, check in; each refused with the code and why.
    Refusal r = (Refusal) org.assertj.core.api.Assertions.catchThrowable(
        () -> onsite.registerTerminal(STAFF, "o-02", "osaka-1", "Osaka room, seat 2", TERMINAL_ADDRESS));
    assertThat(r.code()).isEqualTo("staff-outside-own-center");
    assertThat(r.getMessage()).contains("register a terminal refused", "only at their own onsite center");
    assertThat(code(() -> onsite.retireTerminal(STAFF, "o-01", "not ours"))).isEqualTo("staff-outside-own-center");
    assertThat(code(() -> onsite.checkIn(STAFF, atOsaka.id(), "o-01", "passport"))).isEqualTo("staff-outside-own-center");
    // Staff the registry assigns to no center act nowhere.
    Refusal none = (Refusal) org.assertj.core.api.Assertions.catchThrowable(
        () -> onsite.registerTerminal(unassigned, "t-09", "tokyo-1", "Room 3", TERMINAL_ADDRESS));
    assertThat(none.code()).isEqualTo("staff-without-center");
    assertThat(none.getMessage()).contains("a data steward sets it");
    assertThat(code(() -> onsite.checkIn(unassigned, atOsaka.id(), "o-01", "passport"))).isEqualTo("staff-without-center");
    assertThat(store.terminal("o-02")).isEmpty();
    assertThat(store.terminal("t-09")).isEmpty();
    assertThat(store.terminal("o-01").orElseThrow().active()).isTrue();
    assertThat(store.visit(atOsaka.id()).orElseThrow().state()).isEqualTo(VisitState.BOOKED);
    var denied = f.audit.entries.stream().filter(e -> e.event().equals("access.denied")).skip(denials).toList();
    assertThat(denied).hasSize(5).allSatisfy(e -> assertThat(e.detail()).contains("staff-"));
    assertThat(denied.get(0).target()).isEqualTo("onsite/osaka-1");

    // Osaka's own staff check the visitor in and out there; seeing the desk is not bound to a center.
    Visit in = onsite.checkIn(osaka, atOsaka.id(), "o-01", "passport");
    assertThat(in.state()).isEqualTo(VisitState.CHECKED_IN);
    assertThat(code(() -> onsite.checkOut(STAFF, atOsaka.id()))).isEqualTo("staff-outside-own-center");
    assertThat(onsite.checkOut(osaka, atOsaka.id()).state()).isEqualTo(VisitState.ENDED);
    assertThat(onsite.terminals(STAFF)).extracting(Terminal::id).contains("o-01", "t-01");
    // A steward moves Tokyo's staff member to Osaka: now they may act there and no longer in Tokyo.
    f.registry.assignOnsiteCenter(Fixtures.STEWARD, STAFF.subject(), "osaka-1", null);
    onsite.registerTerminal(STAFF, "o-02", "osaka-1", "Osaka room, seat 2", TERMINAL_ADDRESS);
    assertThat(code(() -> onsite.retireTerminal(STAFF, "t-01", "moved"))).isEqualTo("staff-outside-own-center");
  }

  /** Another trained researcher of the organisation, lead of project p-two. */
  private Caller secondResearcher() {
    Caller r2 = new Caller("researcher-2", "Researcher Two", Set.of("researcher"));
    f.registry.registerPerson(Fixtures.STEWARD, r2.subject(), "Researcher Two", "org-a");
    f.registry.recordTraining(Fixtures.STEWARD, r2.subject(),
        new jp.enclave.server.registry.Training("privacy-2026", TODAY.minusDays(10), TODAY.plusYears(1)));
    f.registry.registerProject(Fixtures.STEWARD, Fixtures.project("p-two", "org-a", TODAY.minusDays(30), TODAY.plusDays(300),
        Map.of(r2.subject(), jp.enclave.server.registry.Project.MemberRole.LEAD)));
    return r2;
  }

  private Visit checkedIn(String terminal) {
    Visit v = onsite.bookVisit(RESEARCHER, "p-dm", "tokyo-1", TODAY);
    return onsite.checkIn(STAFF, v.id(), terminal, "driving-licence");
  }

  @Test
  void staffRegisterTerminalsOthersAreRefusedAndAudited() {
    String secret = registerTerminal("t-01");
    assertThat(secret).hasSizeGreaterThanOrEqualTo(43);
    Terminal t = store.terminal("t-01").orElseThrow();
    assertThat(t.secretHash()).isEqualTo(TerminalSecrets.hash(secret)).doesNotContain(secret);
    assertThat(f.audit.events()).contains("terminal.registered");
    assertThat(f.audit.entries.get(f.audit.entries.size() - 1).detail()).doesNotContain(secret);

    for (Caller c : List.of(RESEARCHER, Fixtures.STEWARD, Fixtures.AUDITOR)) {
      assertThatThrownBy(() -> onsite.registerTerminal(c, "t-02", "tokyo-1", "Room 3", TERMINAL_ADDRESS))
          .isInstanceOf(Refusal.class).extracting(r -> ((Refusal) r).code()).isEqualTo("not-permitted");
    }
    assertThat(store.terminal("t-02")).isEmpty();
    assertThat(f.audit.events().stream().filter(e -> e.equals("access.denied"))).hasSize(3);
  }

  @Test
  void badTerminalInputIsNamedAllAtOnceAndDuplicatesRefused() {
    // Staff act only at their own center, so a center id other than theirs (even a malformed one) is refused first.
    assertThatThrownBy(() -> onsite.registerTerminal(STAFF, "Bad Id", "x", " ", "terminal.local"))
        .extracting(e -> ((Refusal) e).code()).isEqualTo("staff-outside-own-center");
    Refusal r = (Refusal) org.assertj.core.api.Assertions.catchThrowable(() ->
        onsite.registerTerminal(STAFF, "Bad Id", "tokyo-1", " ", "terminal.local"));
    assertThat(r.code()).isEqualTo("invalid-terminal");
    assertThat(r.details()).hasSize(3);
    registerTerminal("t-01");
    assertThatThrownBy(() -> registerTerminal("t-01")).extracting(e -> ((Refusal) e).code()).isEqualTo("terminal-exists");
    assertThat(OnsiteService.validAddress("10.0.0.256")).isFalse();
    assertThat(OnsiteService.validAddress("fe80::1")).isTrue();
    assertThat(OnsiteService.normalise("fe80:0:0::1")).isEqualTo(OnsiteService.normalise("fe80::1"));
  }

  @Test
  void checkInNeedsStaffAnotherPersonTodayAnActiveTerminalAndAnAcceptedDocument() {
    registerTerminal("t-01");
    registerTerminal("t-02");
    onsite.retireTerminal(STAFF, "t-02", "screen broken");
    Visit v = onsite.bookVisit(RESEARCHER, "p-dm", "tokyo-1", TODAY);

    Caller otherResearcher = new Caller("researcher-2", "Another", Set.of("researcher"));
    assertThatThrownBy(() -> onsite.checkIn(otherResearcher, v.id(), "t-01", "passport"))
        .extracting(e -> ((Refusal) e).code()).isEqualTo("not-permitted");
    assertThatThrownBy(() -> onsite.checkIn(RESEARCHER, v.id(), "t-01", "passport"))
        .extracting(e -> ((Refusal) e).code()).isEqualTo("no-self-check-in");
    Caller staffVisitor = new Caller(RESEARCHER.subject(), "Researcher who is staff", Set.of("researcher", "onsite-staff"));
    f.registry.assignOnsiteCenter(Fixtures.STEWARD, RESEARCHER.subject(), "tokyo-1", null); // staff of this very center
    assertThatThrownBy(() -> onsite.checkIn(staffVisitor, v.id(), "t-01", "passport"))
        .extracting(e -> ((Refusal) e).code()).isEqualTo("no-self-check-in");
    Refusal bad = (Refusal) org.assertj.core.api.Assertions.catchThrowable(() ->
        onsite.checkIn(STAFF, v.id(), "t-02", "student-card"));
    assertThat(bad.code()).isEqualTo("invalid-check-in");
    assertThat(bad.details()).anyMatch(d -> d.contains("retired")).anyMatch(d -> d.contains("identityDocument"));
    assertThat(store.visit(v.id()).orElseThrow().state()).isEqualTo(VisitState.BOOKED);

    Visit in = onsite.checkIn(STAFF, v.id(), "t-01", "my-number-card");
    assertThat(in.state()).isEqualTo(VisitState.CHECKED_IN);
    assertThat(in.checkedInBy()).isEqualTo(STAFF.subject());
    assertThat(f.audit.entries.get(f.audit.entries.size() - 1).detail())
        .contains("\"identityDocument\":\"my-number-card\"", "\"terminal\":\"t-01\"");
    assertThatThrownBy(() -> onsite.checkIn(STAFF, v.id(), "t-01", "passport"))
        .extracting(e -> ((Refusal) e).code()).isEqualTo("visit-transition-invalid");

    Visit tomorrow = onsite.bookVisit(RESEARCHER, "p-dm", "tokyo-1", TODAY.plusDays(1));
    assertThatThrownBy(() -> onsite.checkIn(STAFF, tomorrow.id(), "t-01", "passport"))
        .extracting(e -> ((Refusal) e).details()).asList().anyMatch(d -> d.toString().contains("not today"));
  }

  @Test
  void aVisitIsBookedOnlyWhereAndWhenItCanHappen() {
    registerTerminal("t-01");
    assertThatThrownBy(() -> onsite.bookVisit(RESEARCHER, "p-dm", "osaka-1", TODAY.minusDays(1)))
        .extracting(e -> ((Refusal) e).details()).asList().hasSize(2);
    Caller stranger = new Caller("someone", "Someone", Set.of("researcher"));
    assertThatThrownBy(() -> onsite.bookVisit(stranger, "p-dm", "tokyo-1", TODAY))
        .extracting(e -> ((Refusal) e).code()).isEqualTo("user-not-registered");
  }

  /** What a request presents when the visitor opens the onsite session, and the expected problem (null: admitted). */
  static Stream<Arguments> presences() {
    return Stream.of(
        Arguments.of("the checked-in terminal from its address", "t-01", "right", TERMINAL_ADDRESS, null),
        Arguments.of("no terminal credential (a remote browser)", null, null, "203.0.113.9", "no terminal credential"),
        Arguments.of("remote browser with the stolen credential", "t-01", "right", "203.0.113.9", "the request comes from 203.0.113.9"),
        Arguments.of("right address, wrong secret", "t-01", "wrong", TERMINAL_ADDRESS, "wrong secret"),
        Arguments.of("unregistered terminal", "t-99", "right", TERMINAL_ADDRESS, "unknown terminal t-99"),
        Arguments.of("retired terminal", "t-03", "right", TERMINAL_ADDRESS, "is retired"),
        Arguments.of("another registered terminal, not the one checked in at", "t-02", "right", TERMINAL_ADDRESS,
            "not checked in at terminal t-02"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("presences")
  void anOnsiteSessionOpensOnlyAtTheTerminalTheVisitorIsCheckedInAt(String name, String terminal, String secret,
      String address, String problem) {
    Map<String, String> secrets = new LinkedHashMap<>();
    for (String id : List.of("t-01", "t-02", "t-03")) {
      secrets.put(id, registerTerminal(id));
    }
    checkedIn("t-01");
    // Retiring t-03 after the check-in at t-01: a retired terminal is refused even with its secret.
    onsite.retireTerminal(STAFF, "t-03", "moved to storage");
    String s = secret == null ? null : secret.equals("right") ? secrets.getOrDefault(terminal, "x") : "guess";
    presence.set(Presence.of(address, terminal == null ? null : terminal + ":" + s));
    int before = f.audit.entries.size();
    if (problem == null) {
      SessionService.Opened o = sessions.open(RESEARCHER, sessions.book(RESEARCHER, "p-dm", SessionKind.ONSITE).id());
      assertThat(o.session().state()).isEqualTo(SessionState.OPEN);
      assertThat(o.session().kind()).isEqualTo(SessionKind.ONSITE);
      return;
    }
    assertThatThrownBy(() -> sessions.book(RESEARCHER, "p-dm", SessionKind.ONSITE))
        .extracting(e -> ((Refusal) e).code()).isEqualTo("onsite-from-registered-terminal");
    assertThat(f.sessionStore.all()).isEmpty();
    var refused = f.audit.entries.subList(before, f.audit.entries.size());
    assertThat(refused).extracting(e -> e.event()).containsExactly("onsite.terminal-refused", "access.denied");
    assertThat(refused.get(0).detail()).contains(problem);
  }

  @Test
  void aRemoteSessionDoesNotAskWhereTheRequestComesFrom() {
    presence.set(null);
    assertThat(sessions.open(RESEARCHER, sessions.book(RESEARCHER, "p-dm", SessionKind.REMOTE).id()).session().state())
        .isEqualTo(SessionState.OPEN);
  }

  @Test
  void checkOutEndsTheVisitorsRunningOnsiteSessionWithTheReasonAndTheTerminalNoLongerAdmitsThem() {
    String secret = registerTerminal("t-01");
    Visit v = checkedIn("t-01");
    presence.set(Presence.of(TERMINAL_ADDRESS, "t-01:" + secret));
    String id = sessions.book(RESEARCHER, "p-dm", SessionKind.ONSITE).id();
    sessions.open(RESEARCHER, id);
    String remote = sessions.book(RESEARCHER, "p-dm", SessionKind.REMOTE).id();
    sessions.open(RESEARCHER, remote);
    onsite.checkOut(STAFF, v.id());

    assertThat(f.sessionStore.find(id).orElseThrow().state()).isEqualTo(SessionState.ENDED);
    assertThat(f.sessionStore.find(id).orElseThrow().endReason()).contains("checked out", v.id());
    // Remote sessions are not the desk's business.
    assertThat(f.sessionStore.find(remote).orElseThrow().state()).isEqualTo(SessionState.OPEN);
    var ended = f.audit.entries.stream().filter(e -> e.event().equals("session.ended")).toList();
    assertThat(ended).singleElement().satisfies(e -> {
      assertThat(e.actor()).isEqualTo(STAFF.subject());
      assertThat(e.target()).isEqualTo("session/" + id);
      assertThat(e.detail()).contains("checked out at the onsite desk (visit " + v.id() + ")");
    });
    var out = f.audit.entries.get(f.audit.entries.size() - 1);
    assertThat(out.event()).isEqualTo("visit.checked-out");
    assertThat(out.detail()).contains(id).doesNotContain(remote);
    assertThatThrownBy(() -> sessions.renew(RESEARCHER, id))
        .extracting(e -> ((Refusal) e).code()).isEqualTo("session-transition-invalid");
    // A new onsite session is refused too: the visitor is no longer checked in at the terminal.
    assertThatThrownBy(() -> sessions.book(RESEARCHER, "p-dm", SessionKind.ONSITE))
        .extracting(e -> ((Refusal) e).code()).isEqualTo("onsite-from-registered-terminal");
  }

  @Test
  void retiringATerminalEndsTheSessionsRunningAtItInTheSameStepAndChecksItsVisitorOut() {
    String secret1 = registerTerminal("t-01");
    String secret2 = registerTerminal("t-02");
    Visit v = checkedIn("t-01");
    presence.set(Presence.of(TERMINAL_ADDRESS, "t-01:" + secret1));
    String id = sessions.book(RESEARCHER, "p-dm", SessionKind.ONSITE).id();
    sessions.open(RESEARCHER, id);
    String remote = sessions.book(RESEARCHER, "p-dm", SessionKind.REMOTE).id();
    sessions.open(RESEARCHER, remote);
    // Another visitor at another terminal of the room is not touched.
    Caller other = secondResearcher();
    Visit w = onsite.checkIn(STAFF, onsite.bookVisit(other, "p-two", "tokyo-1", TODAY).id(), "t-02", "passport");
    presence.set(Presence.of(TERMINAL_ADDRESS, "t-02:" + secret2));
    String elsewhere = sessions.book(other, "p-two", SessionKind.ONSITE).id();
    sessions.open(other, elsewhere);
    int before = f.audit.entries.size();

    onsite.retireTerminal(STAFF, "t-01", "screen broken");

    assertThat(f.sessionStore.find(id).orElseThrow().state()).isEqualTo(SessionState.ENDED);
    assertThat(f.sessionStore.find(id).orElseThrow().endReason()).isEqualTo("terminal t-01 retired at the onsite desk: screen broken");
    assertThat(gatewayEnded).containsExactly(id);
    assertThat(f.sessionStore.find(remote).orElseThrow().state()).isEqualTo(SessionState.OPEN);
    assertThat(f.sessionStore.find(elsewhere).orElseThrow().state()).isEqualTo(SessionState.OPEN);
    assertThat(store.visit(v.id()).orElseThrow().state()).isEqualTo(VisitState.ENDED);
    assertThat(store.visit(w.id()).orElseThrow().state()).isEqualTo(VisitState.CHECKED_IN);
    var step = f.audit.entries.subList(before, f.audit.entries.size());
    assertThat(step).extracting(e -> e.event()).containsExactly("session.ended", "visit.checked-out", "terminal.retired");
    assertThat(step.get(0).actor()).isEqualTo(STAFF.subject());
    assertThat(step.get(0).target()).isEqualTo("session/" + id);
    assertThat(step.get(0).detail()).contains("\"terminal\":\"t-01\"", "screen broken");
    assertThat(step.get(1).detail()).contains(id);
    assertThat(step.get(2).detail()).contains(id, v.id());
    // Nothing goes on at the retired terminal: no renewal, no new session, no new check-in.
    presence.set(Presence.of(TERMINAL_ADDRESS, "t-01:" + secret1));
    assertThatThrownBy(() -> sessions.renew(RESEARCHER, id))
        .extracting(e -> ((Refusal) e).code()).isEqualTo("session-transition-invalid");
    assertThatThrownBy(() -> sessions.book(RESEARCHER, "p-dm", SessionKind.ONSITE))
        .extracting(e -> ((Refusal) e).code()).isEqualTo("onsite-from-registered-terminal");
  }

  @Test
  void aRefusedRetirementEndsNothing() {
    String secret = registerTerminal("t-01");
    checkedIn("t-01");
    presence.set(Presence.of(TERMINAL_ADDRESS, "t-01:" + secret));
    String id = sessions.book(RESEARCHER, "p-dm", SessionKind.ONSITE).id();
    sessions.open(RESEARCHER, id);
    for (Caller c : List.of(RESEARCHER, Fixtures.STEWARD, Fixtures.AUDITOR)) {
      assertThatThrownBy(() -> onsite.retireTerminal(c, "t-01", "not theirs"))
          .extracting(e -> ((Refusal) e).code()).isEqualTo("not-permitted");
    }
    assertThat(f.sessionStore.find(id).orElseThrow().state()).isEqualTo(SessionState.OPEN);
    assertThat(gatewayEnded).isEmpty();
    assertThat(store.terminal("t-01").orElseThrow().active()).isTrue();
  }

  @Test
  void theVisitTableRowByRowAndEveryAbsentPairRefused() {
    assertThat(VisitTransitions.TABLE).hasSize(3);
    for (VisitTransitions.Transition t : VisitTransitions.TABLE) {
      assertThat(VisitTransitions.find(t.from(), t.action())).contains(t);
    }
    int absent = 0;
    for (VisitState s : VisitState.values()) {
      for (VisitTransitions.Action a : VisitTransitions.Action.values()) {
        if (VisitTransitions.TABLE.stream().noneMatch(t -> t.from() == s && t.action() == a)) {
          assertThat(VisitTransitions.find(s, a)).isEmpty();
          absent++;
        }
      }
    }
    assertThat(absent).isEqualTo(VisitState.values().length * VisitTransitions.Action.values().length - 3);
  }

  /** Client address: only a configured proxy's X-Forwarded-For counts. */
  @ParameterizedTest(name = "peer {0}, forwarded {1} -> {3}")
  @MethodSource("addresses")
  void clientAddress(String peer, String forwarded, String trusted, String expected) {
    assertThat(ClientAddress.of(peer, forwarded, trusted.isEmpty() ? Set.of() : Set.of(trusted))).isEqualTo(expected);
  }

  static Stream<Arguments> addresses() {
    return Stream.of(
        Arguments.of("10.20.0.11", null, "", "10.20.0.11"),
        Arguments.of("203.0.113.9", "10.20.0.11", "", "203.0.113.9"),
        Arguments.of("203.0.113.9", "10.20.0.11", "10.0.0.2", "203.0.113.9"),
        Arguments.of("10.0.0.2", "198.51.100.7, 10.20.0.11", "10.0.0.2", "10.20.0.11"),
        Arguments.of("10.0.0.2", null, "10.0.0.2", "10.0.0.2"));
  }

  /** In-memory store with the JPA store's version rule. */
  static final class Memory implements OnsiteStore {
    final Map<String, Terminal> terminals = new LinkedHashMap<>();
    final Map<String, Visit> visits = new LinkedHashMap<>();

    public Optional<Terminal> terminal(String id) { return Optional.ofNullable(terminals.get(id)); }
    public List<Terminal> terminals() { return List.copyOf(terminals.values()); }
    public void insert(Terminal t) { terminals.put(t.id(), t); }
    public void update(Terminal t) {
      Terminal cur = terminals.get(t.id());
      if (cur.version() != t.version()) {
        throw Refusals.stale("terminal", t.id(), t.version(), cur.version());
      }
      terminals.put(t.id(), new Terminal(t.id(), t.centerId(), t.location(), t.address(), t.secretHash(), t.state(),
          t.registeredBy(), t.registeredAt(), t.retiredBy(), t.retiredAt(), t.retireReason(), t.version() + 1));
    }
    public Optional<Visit> visit(String id) { return Optional.ofNullable(visits.get(id)); }
    public List<Visit> visitsOf(String s) { return visits.values().stream().filter(v -> v.subject().equals(s)).toList(); }
    public List<Visit> visitsOn(LocalDate d) { return new ArrayList<>(visits.values().stream().filter(v -> v.day().equals(d)).toList()); }
    public List<Visit> checkedInAt(String t) {
      return visits.values().stream().filter(v -> v.state() == VisitState.CHECKED_IN && t.equals(v.terminalId())).toList();
    }
    public void insert(Visit v) { visits.put(v.id(), v); }
    public void update(Visit v) {
      Visit cur = visits.get(v.id());
      if (cur.version() != v.version()) {
        throw Refusals.stale("visit", v.id(), v.version(), cur.version());
      }
      visits.put(v.id(), new Visit(v.id(), v.subject(), v.projectId(), v.centerId(), v.day(), v.state(), v.terminalId(),
          v.identityDocument(), v.checkedInBy(), v.checkedInAt(), v.endedBy(), v.endedAt(), v.bookedAt(),
          v.version() + 1));
    }
  }
}
