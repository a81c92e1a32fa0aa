package jp.enclave.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import jp.enclave.server.sessions.SessionTransitions.Action;
import jp.enclave.server.sessions.SessionTransitions.Transition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The transition table row by row, and every pair absent from it refused. */
class SessionTransitionsTest {

  @ParameterizedTest(name = "{0} --{1}--> {2}")
  @CsvSource({
      "BOOKED, OPEN,   OPEN,    session.opened",
      "BOOKED, END,    ENDED,   session.cancelled",
      "BOOKED, REVOKE, REVOKED, session.revoked",
      "BOOKED, LAPSE,  REVOKED, session.lapsed",
      "OPEN,   RENEW,  OPEN,    session.token-renewed",
      "OPEN,   END,    ENDED,   session.ended",
      "OPEN,   REVOKE, REVOKED, session.revoked",
      "OPEN,   LAPSE,  REVOKED, session.lapsed"})
  void row(SessionState from, Action action, SessionState to, String event) {
    assertThat(SessionTransitions.find(from, action)).contains(new Transition(from, action, to, event));
  }

  @Test
  void tableHasExactlyTheRowsAbove() {
    assertThat(SessionTransitions.TABLE).hasSize(8);
    Set<String> pairs = new HashSet<>();
    SessionTransitions.TABLE.forEach(t -> assertThat(pairs.add(t.from() + "/" + t.action())).isTrue());
  }

  @ParameterizedTest
  @EnumSource(Action.class)
  void finalStatesAllowNothing(Action a) {
    assertThat(SessionTransitions.find(SessionState.ENDED, a)).isEmpty();
    assertThat(SessionTransitions.find(SessionState.REVOKED, a)).isEmpty();
  }

  @Test
  void aBookedSessionCannotBeRenewed() {
    assertThat(SessionTransitions.find(SessionState.BOOKED, Action.RENEW)).isEmpty();
    assertThat(SessionTransitions.find(SessionState.OPEN, Action.OPEN)).isEmpty();
  }
}
