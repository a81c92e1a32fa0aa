package jp.enclave.server.closure;

import static jp.enclave.server.closure.ClosureState.ACTIVE;
import static jp.enclave.server.closure.ClosureState.ARCHIVED;
import static jp.enclave.server.closure.ClosureState.ARCHIVE_FAILED;
import static jp.enclave.server.closure.ClosureState.ENDED;
import static jp.enclave.server.closure.ClosureState.ENDING;
import static jp.enclave.server.closure.ClosureState.SHREDDING;
import static jp.enclave.server.closure.ClosureState.SHRED_FAILED;

import java.util.List;
import java.util.Optional;

/**
 * The project-end workflow, the one table of it: which event moves which state, who may cause
 * it and what it writes to the audit trail. Ending stops the sessions in the same transaction;
 * the holder-zone job runner then archives (ENDING → ARCHIVED), destroys the extract's keys
 * through the holder's CLI (ARCHIVED → SHREDDING → ENDED, the certificate written with the last
 * step). A job whose server died mid-way is taken again once its lease lapses (RESUME). A failure
 * stays at its step until a steward retries it.
 */
public final class ClosureTransitions {
  private ClosureTransitions() {}

  public enum Event { CLOSE, WITHDRAW_APPROVAL, PERIOD_OVER, ARCHIVE, SHRED, RESUME, CERTIFY, FAIL, RETRY }

  /** Who may cause an event: a steward through the API or portal, or the server itself. */
  public enum Party { STEWARD, SYSTEM }

  public record Transition(ClosureState from, Event event, Party party, ClosureState to, String auditEvent) {}

  public static final List<Transition> TABLE = List.of(
      new Transition(ACTIVE, Event.CLOSE, Party.STEWARD, ENDING, "project.end-requested"),
      new Transition(ACTIVE, Event.WITHDRAW_APPROVAL, Party.STEWARD, ENDING, "project.end-requested"),
      new Transition(ACTIVE, Event.PERIOD_OVER, Party.SYSTEM, ENDING, "project.end-requested"),
      new Transition(ENDING, Event.ARCHIVE, Party.SYSTEM, ARCHIVED, "project.archived"),
      new Transition(ENDING, Event.FAIL, Party.SYSTEM, ARCHIVE_FAILED, "project.end-failed"),
      new Transition(ARCHIVED, Event.SHRED, Party.SYSTEM, SHREDDING, "project.shredding"),
      new Transition(SHREDDING, Event.RESUME, Party.SYSTEM, SHREDDING, "project.shredding-resumed"),
      new Transition(SHREDDING, Event.CERTIFY, Party.SYSTEM, ENDED, "project.ended"),
      new Transition(SHREDDING, Event.FAIL, Party.SYSTEM, SHRED_FAILED, "project.end-failed"),
      new Transition(ARCHIVE_FAILED, Event.RETRY, Party.STEWARD, ENDING, "project.end-retried"),
      new Transition(SHRED_FAILED, Event.RETRY, Party.STEWARD, ARCHIVED, "project.end-retried"));

  public static Optional<Transition> find(ClosureState from, Event event, Party party) {
    return TABLE.stream().filter(t -> t.from() == from && t.event() == event && t.party() == party).findFirst();
  }

  /** The event that starts an end for a cause as the API names it ({@code closed}, {@code approval-withdrawn}, {@code period-over}). */
  public static Optional<Event> startedBy(String cause) {
    return Optional.ofNullable(switch (cause == null ? "" : cause) {
      case "closed" -> Event.CLOSE;
      case "approval-withdrawn" -> Event.WITHDRAW_APPROVAL;
      case "period-over" -> Event.PERIOD_OVER;
      default -> null;
    });
  }

  /** States in which the project counts as ended for everyone else: no session opens, no provisioning. */
  public static boolean ended(ClosureState s) {
    return s != ACTIVE;
  }
}
