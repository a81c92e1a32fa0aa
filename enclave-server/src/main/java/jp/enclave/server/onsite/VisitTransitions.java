package jp.enclave.server.onsite;

import java.util.List;
import java.util.Optional;
import jp.enclave.server.onsite.Visit.VisitState;

/**
 * The visit workflow as one table: from which state an action leads where, the audit event it
 * writes and who acts (the visitor or onsite staff). Anything not in the table is refused.
 */
public final class VisitTransitions {
  private VisitTransitions() {}

  public enum Action { CHECK_IN, CHECK_OUT, CANCEL }

  /** Who may take the step: the visitor who booked, or onsite staff (asked of the policies). */
  public enum Actor { VISITOR, STAFF }

  public record Transition(VisitState from, Action action, VisitState to, Actor actor, String auditEvent) {}

  public static final List<Transition> TABLE = List.of(
      new Transition(VisitState.BOOKED, Action.CHECK_IN, VisitState.CHECKED_IN, Actor.STAFF, "visit.checked-in"),
      new Transition(VisitState.BOOKED, Action.CANCEL, VisitState.CANCELLED, Actor.VISITOR, "visit.cancelled"),
      new Transition(VisitState.CHECKED_IN, Action.CHECK_OUT, VisitState.ENDED, Actor.STAFF, "visit.checked-out"));

  public static Optional<Transition> find(VisitState from, Action action) {
    return TABLE.stream().filter(t -> t.from() == from && t.action() == action).findFirst();
  }
}
