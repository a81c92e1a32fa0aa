package jp.enclave.server.airlock;

import java.util.List;
import java.util.Set;

/**
 * Independent review. A request whose items all pass needs one approving reviewer; one with an
 * item the checker marked fail or review needs two. A split vote goes to one more reviewer, who
 * decides by majority. Until the deciding number of votes is in, a reviewer sees only their own
 * vote, so each judges alone; the author sees the votes once the request is decided.
 */
public final class ReviewRules {
  private ReviewRules() {}

  public enum Outcome { PENDING, APPROVED, REJECTED }

  private static final Set<ExportState> DECIDED =
      Set.of(ExportState.APPROVED, ExportState.REJECTED, ExportState.RELEASED, ExportState.REVOKED);

  /** Approving reviewers needed: two when any item is flagged (fail or review), else one. */
  public static int required(List<ExportItem> items) {
    return items.stream().anyMatch(ExportItem::flagged) ? 2 : 1;
  }

  /** The decision the votes make: {@code required} votes one way and more of them than the other. */
  public static Outcome outcome(List<Vote> votes, int required) {
    long approve = votes.stream().filter(Vote::approve).count();
    long reject = votes.size() - approve;
    if (approve >= required && approve > reject) {
      return Outcome.APPROVED;
    }
    if (reject >= required && reject > approve) {
      return Outcome.REJECTED;
    }
    return Outcome.PENDING;
  }

  /**
   * The votes {@code viewer} may see: after the decision all of them; before it a reviewer sees
   * their own, and the others' only once they voted and the first {@code required} votes are in
   * (a third reviewer called for a split sees nothing of the split until they voted); the author
   * sees none.
   */
  public static List<Vote> visibleTo(String viewer, ExportState state, List<Vote> votes, int required) {
    if (DECIDED.contains(state)) {
      return votes;
    }
    boolean voted = votes.stream().anyMatch(v -> v.reviewer().equals(viewer));
    if (voted && votes.size() >= required) {
      return votes;
    }
    return votes.stream().filter(v -> v.reviewer().equals(viewer)).toList();
  }
}
