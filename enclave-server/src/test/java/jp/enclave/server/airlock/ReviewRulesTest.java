package jp.enclave.server.airlock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The vote rules, row by row: votes in order (a = approve, r = reject), required approvals, the outcome. */
class ReviewRulesTest {

  @ParameterizedTest(name = "{0} votes, {1} required: {2}")
  @CsvSource({
      "'',  1, PENDING",
      "a,   1, APPROVED",
      "r,   1, REJECTED",
      "'',  2, PENDING",
      "a,   2, PENDING",
      "r,   2, PENDING",
      "aa,  2, APPROVED",
      "rr,  2, REJECTED",
      "ar,  2, PENDING",
      "ra,  2, PENDING",
      "ara, 2, APPROVED",
      "arr, 2, REJECTED",
      "raa, 2, APPROVED",
      "rar, 2, REJECTED"})
  void outcome(String votes, int required, ReviewRules.Outcome expected) {
    assertThat(ReviewRules.outcome(votes(votes), required)).isEqualTo(expected);
  }

  @Test
  void flaggedItemsNeedTwoApprovals() {
    assertThat(ReviewRules.required(List.of(item(Verdict.PASS), item(Verdict.PASS)))).isEqualTo(1);
    assertThat(ReviewRules.required(List.of(item(Verdict.PASS), item(Verdict.REVIEW)))).isEqualTo(2);
    assertThat(ReviewRules.required(List.of(item(Verdict.FAIL)))).isEqualTo(2);
  }

  @Test
  void aReviewerSeesTheOtherVoteOnlyOnceBothVoted() {
    List<Vote> one = votes("a");
    assertThat(ReviewRules.visibleTo("rev-0", ExportState.IN_REVIEW, one, 2)).extracting(Vote::reviewer).containsExactly("rev-0");
    assertThat(ReviewRules.visibleTo("rev-1", ExportState.IN_REVIEW, one, 2)).isEmpty();
    List<Vote> split = votes("ar");
    assertThat(ReviewRules.visibleTo("rev-0", ExportState.IN_REVIEW, split, 2)).hasSize(2);
    assertThat(ReviewRules.visibleTo("rev-1", ExportState.IN_REVIEW, split, 2)).hasSize(2);
    // the third reviewer, called for the split, judges without seeing it
    assertThat(ReviewRules.visibleTo("rev-2", ExportState.IN_REVIEW, split, 2)).isEmpty();
    // the author sees nothing before the decision, everything after
    assertThat(ReviewRules.visibleTo("author", ExportState.IN_REVIEW, split, 2)).isEmpty();
    assertThat(ReviewRules.visibleTo("author", ExportState.RELEASED, votes("ara"), 2)).hasSize(3);
  }

  private static ExportItem item(Verdict v) {
    return new ExportItem("t", ItemType.TABLE, "t.csv", new byte[] {1}, "frequency", null, null, List.of("q"), v, null);
  }

  private static List<Vote> votes(String s) {
    List<Vote> out = new ArrayList<>();
    for (int i = 0; i < s.length(); i++) {
      out.add(new Vote("rev-" + i, s.charAt(i) == 'a', "c", Set.of(), Instant.EPOCH));
    }
    return out;
  }
}
