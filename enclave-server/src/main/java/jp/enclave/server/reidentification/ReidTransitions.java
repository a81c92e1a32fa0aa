package jp.enclave.server.reidentification;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The re-identification workflow as one table (state, action, party, next state, audit event);
 * anything absent is refused. Tested cell by cell without a database.
 */
public final class ReidTransitions {
  private ReidTransitions() {}

  public enum Action {
    APPROVE, REJECT, START, FINISH, FAIL, RETRY, READ;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The inspector who filed the request, a re-identification officer, or the server itself. */
  public enum Party { INSPECTOR, OFFICER, SYSTEM }

  public record Transition(ReidState from, Action action, Party party, ReidState to, String auditEvent) {}

  public static final List<Transition> TABLE = List.of(
      new Transition(ReidState.FILED, Action.APPROVE, Party.OFFICER, ReidState.ONE_APPROVAL, "reid.approved-once"),
      new Transition(ReidState.FILED, Action.REJECT, Party.OFFICER, ReidState.REJECTED, "reid.rejected"),
      new Transition(ReidState.ONE_APPROVAL, Action.APPROVE, Party.OFFICER, ReidState.APPROVED, "reid.approved"),
      new Transition(ReidState.ONE_APPROVAL, Action.REJECT, Party.OFFICER, ReidState.REJECTED, "reid.rejected"),
      new Transition(ReidState.APPROVED, Action.START, Party.SYSTEM, ReidState.RUNNING, "reid.started"),
      new Transition(ReidState.RUNNING, Action.FINISH, Party.SYSTEM, ReidState.COMPLETED, "reid.completed"),
      new Transition(ReidState.RUNNING, Action.FAIL, Party.SYSTEM, ReidState.FAILED, "reid.failed"),
      new Transition(ReidState.FAILED, Action.RETRY, Party.OFFICER, ReidState.APPROVED, "reid.retried"),
      new Transition(ReidState.COMPLETED, Action.READ, Party.INSPECTOR, ReidState.COMPLETED, "reid.result-read"));

  public static Optional<Transition> find(ReidState from, Action action) {
    return TABLE.stream().filter(t -> t.from() == from && t.action() == action).findFirst();
  }

  public static boolean allowed(ReidState from, Action action, Party party) {
    return find(from, action).filter(t -> t.party() == party).isPresent();
  }
}
