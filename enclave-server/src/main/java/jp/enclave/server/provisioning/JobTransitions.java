package jp.enclave.server.provisioning;

import java.util.List;
import java.util.Optional;

/**
 * The provisioning job's workflow as one table: from which state an event leads where, and the
 * audit event it writes (none for progress: counts only, the outcome is audited). Anything not
 * in the table is refused. Tested row by row, and every absent pair is tested to be refused.
 */
public final class JobTransitions {
  private JobTransitions() {}

  public enum Event {
    /** The runner takes a queued job and starts the holder's pipeline. */
    START,
    /** The pipeline reported a step (phase, percent). */
    PROGRESS,
    /** The pipeline ended with its extract provisioned (or found it provisioned with this scope). */
    SUCCEED,
    /** The pipeline refused or broke; the reason is kept and shown. */
    FAIL,
    /** The server stopped while the job ran: queued again, its re-run provisions at most once. */
    INTERRUPT,
    /** Refused before it started (the project is gone or its approval lapsed while it waited). */
    REFUSE
  }

  public record Transition(JobState from, Event event, JobState to, String auditEvent) {}

  public static final List<Transition> TABLE = List.of(
      new Transition(JobState.QUEUED, Event.START, JobState.RUNNING, "provisioning.started"),
      new Transition(JobState.QUEUED, Event.REFUSE, JobState.FAILED, "provisioning.failed"),
      new Transition(JobState.RUNNING, Event.PROGRESS, JobState.RUNNING, null),
      new Transition(JobState.RUNNING, Event.SUCCEED, JobState.SUCCEEDED, "provisioning.succeeded"),
      new Transition(JobState.RUNNING, Event.FAIL, JobState.FAILED, "provisioning.failed"),
      new Transition(JobState.RUNNING, Event.INTERRUPT, JobState.QUEUED, "provisioning.interrupted"));

  public static Optional<Transition> find(JobState from, Event event) {
    return TABLE.stream().filter(t -> t.from() == from && t.event() == event).findFirst();
  }
}
