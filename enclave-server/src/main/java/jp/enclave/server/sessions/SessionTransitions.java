package jp.enclave.server.sessions;

import java.util.List;
import java.util.Optional;

/**
 * The session workflow as one table: from which state an action leads where, and the audit event
 * it writes. Anything not in the table is refused. Tested row by row, and every absent pair is
 * tested to be refused.
 */
public final class SessionTransitions {
  private SessionTransitions() {}

  public enum Action { OPEN, RENEW, END, REVOKE, LAPSE }

  public record Transition(SessionState from, Action action, SessionState to, String auditEvent) {}

  public static final List<Transition> TABLE = List.of(
      new Transition(SessionState.BOOKED, Action.OPEN, SessionState.OPEN, "session.opened"),
      new Transition(SessionState.BOOKED, Action.END, SessionState.ENDED, "session.cancelled"),
      new Transition(SessionState.BOOKED, Action.REVOKE, SessionState.REVOKED, "session.revoked"),
      new Transition(SessionState.BOOKED, Action.LAPSE, SessionState.REVOKED, "session.lapsed"),
      new Transition(SessionState.OPEN, Action.RENEW, SessionState.OPEN, "session.token-renewed"),
      new Transition(SessionState.OPEN, Action.END, SessionState.ENDED, "session.ended"),
      new Transition(SessionState.OPEN, Action.REVOKE, SessionState.REVOKED, "session.revoked"),
      new Transition(SessionState.OPEN, Action.LAPSE, SessionState.REVOKED, "session.lapsed"));

  public static Optional<Transition> find(SessionState from, Action action) {
    return TABLE.stream().filter(t -> t.from() == from && t.action() == action).findFirst();
  }
}
