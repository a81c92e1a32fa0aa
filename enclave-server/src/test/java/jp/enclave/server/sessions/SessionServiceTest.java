package jp.enclave.server.sessions;

import static jp.enclave.server.Fixtures.RESEARCHER;
import static jp.enclave.server.Fixtures.STEWARD;
import static jp.enclave.server.Fixtures.TODAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import jp.enclave.gateway.core.GatewaySession;
import jp.enclave.gateway.token.TokenVerifier;
import jp.enclave.server.Fixtures;
import jp.enclave.server.access.Caller;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.registry.CertificationType;
import jp.enclave.server.registry.Project;
import jp.enclave.server.registry.Training;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SessionServiceTest {

  @Test
  void openingIssuesATokenTheGatewayAccepts() {
    Fixtures f = new Fixtures().eligible();
    Session booked = f.sessions.book(RESEARCHER, "p-dm", SessionKind.REMOTE);
    SessionService.Opened opened = f.sessions.open(RESEARCHER, booked.id());

    TokenVerifier verifier = new TokenVerifier(f.tokens.publicJwkSet(), "p-dm", Clock.fixed(Fixtures.NOW, ZoneOffset.UTC));
    GatewaySession gs = verifier.verify(opened.token());
    assertThat(gs.subject().userId()).isEqualTo(RESEARCHER.subject());
    assertThat(gs.subject().certificationType()).isEqualTo("type2");
    assertThat(gs.kind()).isEqualTo(GatewaySession.SessionKind.REMOTE);
    assertThat(opened.session().state()).isEqualTo(SessionState.OPEN);
    assertThat(opened.jdbcUrl()).startsWith("jdbc:arrow-flight-sql://127.0.0.1:47470/").contains("token=");
    assertThat(f.audit.events()).endsWith("session.booked", "session.opened");
  }

  @Test
  void aTokenForOneProjectDoesNotOpenAnother() {
    Fixtures f = new Fixtures().eligible();
    SessionService.Opened opened = f.sessions.open(RESEARCHER, f.sessions.book(RESEARCHER, "p-dm", SessionKind.REMOTE).id());
    TokenVerifier other = new TokenVerifier(f.tokens.publicJwkSet(), "p-other", Clock.fixed(Fixtures.NOW, ZoneOffset.UTC));
    assertThatThrownBy(() -> other.verify(opened.token())).hasMessageContaining("p-dm");
    TokenVerifier foreignKey = new TokenVerifier(new Fixtures().tokens.publicJwkSet(), "p-dm",
        Clock.fixed(Fixtures.NOW, ZoneOffset.UTC));
    assertThatThrownBy(() -> foreignKey.verify(opened.token())).hasMessageContaining("signature");
    TokenVerifier later = new TokenVerifier(f.tokens.publicJwkSet(), "p-dm",
        Clock.fixed(Fixtures.NOW.plusSeconds(16 * 60), ZoneOffset.UTC));
    assertThatThrownBy(() -> later.verify(opened.token())).hasMessageContaining("expired");
  }

  /** Who may open a session, row by row: each lapse refuses with its own code and writes the denial. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      eligible                     | type2 | 30  | 30  | -30 | 300 | true  | true  | researcher | remote | opened
      training expired             | type2 | 30  | -1  | -30 | 300 | true  | true  | researcher | remote | training-lapsed
      never trained                | type2 | 30  |     | -30 | 300 | true  | true  | researcher | remote | training-lapsed
      approval expired             | type2 | 30  | 30  | -90 | -1  | true  | true  | researcher | remote | approval-lapsed
      approval not started         | type2 | 30  | 30  | 2   | 300 | true  | true  | researcher | remote | approval-lapsed
      certification expired        | type2 | -1  | 30  | -30 | 300 | true  | true  | researcher | remote | certification-lapsed
      type1 organisation           | type1 | 30  | 30  | -30 | 300 | true  | true  | researcher | remote | not-permitted
      not a project member         | type2 | 30  | 30  | -30 | 300 | false | true  | researcher | remote | not-permitted
      not registered               | type2 | 30  | 30  | -30 | 300 | true  | false | researcher | remote | user-not-registered
      steward is not a researcher  | type2 | 30  | 30  | -30 | 300 | true  | true  | steward    | remote | not-permitted
      onsite needs onsite terminal | type2 | 30  | 30  | -30 | 300 | true  | true  | researcher | onsite | onsite-from-registered-terminal
      last valid day of approval   | type2 | 30  | 30  | -30 | 0   | true  | true  | researcher | remote | opened
      """)
  void whoMayOpen(String name, String certType, int certDays, Integer trainedDays, int approvedFrom, int approvedUntil,
      boolean member, boolean registered, String role, String kind, String expected) {
    Fixtures f = new Fixtures();
    f.registry.registerOrganisation(STEWARD, Fixtures.org("org-a", CertificationType.parse(certType),
        TODAY.minusYears(1), TODAY.plusDays(certDays)));
    Caller caller = new Caller("u-1", "U", Set.of(role));
    if (registered) {
      f.registry.registerPerson(STEWARD, "u-1", "User", "org-a");
      if (trainedDays != null) {
        f.registry.recordTraining(STEWARD, "u-1", new Training("privacy", TODAY.minusYears(1), TODAY.plusDays(trainedDays)));
      }
    }
    f.registry.registerProject(STEWARD, Fixtures.project("p-dm", "org-a", TODAY.plusDays(approvedFrom),
        TODAY.plusDays(approvedUntil), member && registered ? Map.of("u-1", Project.MemberRole.ANALYST) : Map.of()));
    int auditBefore = f.audit.entries.size();
    try {
      Session s = f.sessions.book(caller, "p-dm", SessionKind.parse(kind));
      f.sessions.open(caller, s.id());
      assertThat(expected).as(name).isEqualTo("opened");
    } catch (Refusal r) {
      assertThat(r.code()).as(name + ": " + r.getMessage()).isEqualTo(expected);
      assertThat(f.sessionStore.all()).as("nothing booked").isEmpty();
      assertThat(f.audit.events().subList(auditBefore, f.audit.entries.size())).containsExactly("access.denied");
    }
  }

  @Test
  void aLapseAfterBookingStillRefusesTheOpening() {
    Fixtures f = new Fixtures().eligible();
    Session booked = f.sessions.book(RESEARCHER, "p-dm", SessionKind.REMOTE);
    Fixtures later = f;
    // The approval ends: the steward shortens it to yesterday.
    Project p = f.registryStore.project("p-dm").orElseThrow();
    f.registry.updateProject(STEWARD, new Project(p.id(), p.title(), p.organisationId(), p.decisionNumber(), p.purpose(),
        p.dataScope(), p.approvedFrom(), TODAY.minusDays(1), p.members(), p.version()));
    assertThatThrownBy(() -> later.sessions.open(RESEARCHER, booked.id()))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.code()).isEqualTo("approval-lapsed"))
        .hasMessageContaining("approval is not valid today");
    assertThat(f.sessionStore.find(booked.id()).orElseThrow().state()).isEqualTo(SessionState.BOOKED);
  }

  @Test
  void endingAndRevokingAreRecordedAndFinal() {
    Fixtures f = new Fixtures().eligible();
    String a = f.sessions.open(RESEARCHER, f.sessions.book(RESEARCHER, "p-dm", SessionKind.REMOTE).id()).session().id();
    Session ended = f.sessions.end(RESEARCHER, a, "done for today");
    assertThat(ended.state()).isEqualTo(SessionState.ENDED);
    assertThat(ended.endReason()).isEqualTo("done for today");
    assertThatThrownBy(() -> f.sessions.open(RESEARCHER, a))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.code()).isEqualTo("session-transition-invalid"));

    String b = f.sessions.open(RESEARCHER, f.sessions.book(RESEARCHER, "p-dm", SessionKind.REMOTE).id()).session().id();
    assertThatThrownBy(() -> f.sessions.revoke(RESEARCHER, b, "trying"))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.code()).isEqualTo("not-permitted"));
    assertThatThrownBy(() -> f.sessions.revoke(STEWARD, b, " "))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.code()).isEqualTo("invalid-revocation"));
    Session revoked = f.sessions.revoke(STEWARD, b, "suspected credential sharing");
    assertThat(revoked.state()).isEqualTo(SessionState.REVOKED);
    assertThat(revoked.endedBy()).isEqualTo(STEWARD.subject());
    assertThat(f.audit.events()).contains("session.ended", "session.revoked");
  }

  @Test
  void runningSessionsEndWhenTrainingLapsesAndEligibleOnesKeepRunning() {
    Fixtures f = new Fixtures().eligible();
    Session open = f.sessions.open(RESEARCHER, f.sessions.book(RESEARCHER, "p-dm", SessionKind.REMOTE).id()).session();
    assertThat(f.sessions.revokeLapsed()).isEmpty();
    assertThat(f.sessionStore.find(open.id()).orElseThrow().state()).isEqualTo(SessionState.OPEN);

    // The training record is replaced by one that expired yesterday.
    var person = f.registryStore.person(RESEARCHER.subject()).orElseThrow();
    f.registryStore.update(new jp.enclave.server.registry.Person(person.subject(), person.name(),
        person.organisationId(), java.util.List.of(new Training("privacy", TODAY.minusYears(1), TODAY.minusDays(1))),
        person.onsiteCenter(), person.version()));
    assertThat(f.sessions.revokeLapsed()).extracting(Session::id).containsExactly(open.id());
    Session lapsed = f.sessionStore.find(open.id()).orElseThrow();
    assertThat(lapsed.state()).isEqualTo(SessionState.REVOKED);
    assertThat(lapsed.endedBy()).isEqualTo("system");
    assertThat(lapsed.endReason()).isEqualTo("lapsed: the user's training has expired (or was never recorded)");
    assertThat(f.audit.events()).endsWith("session.lapsed");
    assertThat(f.sessions.revokeLapsed()).isEmpty();
  }

  @Test
  void anotherUsersSessionIsNotFound() {
    Fixtures f = new Fixtures().eligible();
    String id = f.sessions.book(RESEARCHER, "p-dm", SessionKind.REMOTE).id();
    Caller other = new Caller("someone-else", "X", Set.of("researcher"));
    assertThatThrownBy(() -> f.sessions.open(other, id))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.code()).isEqualTo("session-not-found"));
    assertThatThrownBy(() -> f.sessions.end(other, id, null))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.code()).isEqualTo("not-permitted"));
  }

  @Test
  void aStaleUpdateIsRefused() {
    Fixtures f = new Fixtures().eligible();
    Session s = f.sessions.book(RESEARCHER, "p-dm", SessionKind.REMOTE);
    f.sessionStore.update(s);
    assertThatThrownBy(() -> f.sessionStore.update(s))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.code()).isEqualTo("stale-edit"));
    assertThat(Instant.EPOCH).isBefore(Fixtures.NOW);
  }
}
