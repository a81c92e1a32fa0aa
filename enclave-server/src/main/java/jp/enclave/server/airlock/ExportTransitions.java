package jp.enclave.server.airlock;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The export airlock's workflow as one table: from which state an action leads where, which party
 * may make it, and the audit event it writes. Anything not in the table is refused. The module
 * README's state diagram is generated from this table ({@link #mermaid()}); a test fails when the
 * README's copy differs.
 */
public final class ExportTransitions {
  private ExportTransitions() {}

  /** What can happen to a request. */
  public enum Action {
    EDIT, SUBMIT, START_CHECK, FINISH_CHECK, FAIL_CHECK, RETRY_CHECK, VOTE, APPROVE, REJECT, RELEASE, REVOKE, DOWNLOAD;

    public String wire() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * Who acts, relative to the request: its author (the researcher who created it), a reviewer
   * (role {@code reviewer}, never the author) or the server itself (the check job, the decision
   * that follows the votes, the packaging of a release).
   */
  public enum Party { AUTHOR, REVIEWER, SYSTEM }

  public record Transition(ExportState from, Action action, Party party, ExportState to, String auditEvent) {}

  public static final List<Transition> TABLE = List.of(
      new Transition(ExportState.DRAFT, Action.EDIT, Party.AUTHOR, ExportState.DRAFT, "export.edited"),
      new Transition(ExportState.DRAFT, Action.SUBMIT, Party.AUTHOR, ExportState.SUBMITTED, "export.submitted"),
      new Transition(ExportState.SUBMITTED, Action.START_CHECK, Party.SYSTEM, ExportState.CHECKING, "export.check-started"),
      new Transition(ExportState.CHECKING, Action.FINISH_CHECK, Party.SYSTEM, ExportState.CHECKED, "export.checked"),
      new Transition(ExportState.CHECKING, Action.FAIL_CHECK, Party.SYSTEM, ExportState.CHECK_FAILED, "export.check-failed"),
      new Transition(ExportState.CHECK_FAILED, Action.RETRY_CHECK, Party.AUTHOR, ExportState.SUBMITTED, "export.check-retried"),
      new Transition(ExportState.CHECKED, Action.VOTE, Party.REVIEWER, ExportState.IN_REVIEW, "export.voted"),
      new Transition(ExportState.IN_REVIEW, Action.VOTE, Party.REVIEWER, ExportState.IN_REVIEW, "export.voted"),
      new Transition(ExportState.IN_REVIEW, Action.APPROVE, Party.SYSTEM, ExportState.APPROVED, "export.approved"),
      new Transition(ExportState.IN_REVIEW, Action.REJECT, Party.SYSTEM, ExportState.REJECTED, "export.rejected"),
      new Transition(ExportState.APPROVED, Action.RELEASE, Party.SYSTEM, ExportState.RELEASED, "export.released"),
      new Transition(ExportState.RELEASED, Action.DOWNLOAD, Party.AUTHOR, ExportState.RELEASED, "export.downloaded"),
      new Transition(ExportState.RELEASED, Action.REVOKE, Party.REVIEWER, ExportState.REVOKED, "export.revoked"));

  public static Optional<Transition> find(ExportState from, Action action) {
    return TABLE.stream().filter(t -> t.from() == from && t.action() == action).findFirst();
  }

  /** Whether {@code party} may make {@code action} in state {@code from}. */
  public static boolean allowed(ExportState from, Action action, Party party) {
    return find(from, action).filter(t -> t.party() == party).isPresent();
  }

  /** The state diagram (Mermaid) of the table: one edge per row, labelled action (party). */
  public static String mermaid() {
    List<String> lines = new ArrayList<>();
    lines.add("stateDiagram-v2");
    lines.add("    [*] --> draft");
    for (Transition t : TABLE) {
      lines.add("    %s --> %s: %s (%s)".formatted(id(t.from()), id(t.to()), t.action().wire(),
          t.party().name().toLowerCase(Locale.ROOT)));
    }
    lines.add("    rejected --> [*]");
    lines.add("    revoked --> [*]");
    return String.join("\n", lines) + "\n";
  }

  /** Mermaid state ids take no hyphen: {@code in_review}. */
  private static String id(ExportState s) {
    return s.name().toLowerCase(Locale.ROOT);
  }
}
