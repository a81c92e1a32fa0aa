package jp.enclave.server.closure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jp.enclave.server.closure.ClosureTransitions.Event;
import jp.enclave.server.closure.ClosureTransitions.Party;
import jp.enclave.server.closure.ClosureTransitions.Transition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every cell of state × event × party against the matrix written out here by hand (no database). */
class ClosureTransitionsTest {
  /** The allowed cells: from, event, party → to, audit event. Everything else is refused. */
  private static final String[][] ALLOWED = {
      {"ACTIVE", "CLOSE", "STEWARD", "ENDING", "project.end-requested"},
      {"ACTIVE", "WITHDRAW_APPROVAL", "STEWARD", "ENDING", "project.end-requested"},
      {"ACTIVE", "PERIOD_OVER", "SYSTEM", "ENDING", "project.end-requested"},
      {"ENDING", "ARCHIVE", "SYSTEM", "ARCHIVED", "project.archived"},
      {"ENDING", "FAIL", "SYSTEM", "ARCHIVE_FAILED", "project.end-failed"},
      {"ARCHIVED", "SHRED", "SYSTEM", "SHREDDING", "project.shredding"},
      {"SHREDDING", "RESUME", "SYSTEM", "SHREDDING", "project.shredding-resumed"},
      {"SHREDDING", "CERTIFY", "SYSTEM", "ENDED", "project.ended"},
      {"SHREDDING", "FAIL", "SYSTEM", "SHRED_FAILED", "project.end-failed"},
      {"ARCHIVE_FAILED", "RETRY", "STEWARD", "ENDING", "project.end-retried"},
      {"SHRED_FAILED", "RETRY", "STEWARD", "ARCHIVED", "project.end-retried"},
  };

  static List<Arguments> cells() {
    List<Arguments> out = new ArrayList<>();
    for (ClosureState s : ClosureState.values()) {
      for (Event e : Event.values()) {
        for (Party p : Party.values()) {
          out.add(Arguments.of(s, e, p));
        }
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0} {1} by {2}")
  @MethodSource("cells")
  void eachCellIsWhatTheMatrixSays(ClosureState from, Event event, Party party) {
    Optional<Transition> t = ClosureTransitions.find(from, event, party);
    String[] row = null;
    for (String[] r : ALLOWED) {
      if (r[0].equals(from.name()) && r[1].equals(event.name()) && r[2].equals(party.name())) {
        row = r;
      }
    }
    if (row == null) {
      assertThat(t).as("refused").isEmpty();
    } else {
      assertThat(t).isPresent();
      assertThat(t.get().to().name()).isEqualTo(row[3]);
      assertThat(t.get().auditEvent()).isEqualTo(row[4]);
    }
  }

  @Test
  void theTableHasExactlyTheMatrixRowsAndAnEndedProjectMovesNoMore() {
    assertThat(ClosureTransitions.TABLE).hasSize(ALLOWED.length);
    assertThat(ClosureTransitions.TABLE).noneMatch(t -> t.from() == ClosureState.ENDED);
    assertThat(ClosureTransitions.TABLE).noneMatch(t -> t.to() == ClosureState.ACTIVE);
  }

  @Test
  void causesNameTheirStartingEvent() {
    assertThat(ClosureTransitions.startedBy("closed")).contains(Event.CLOSE);
    assertThat(ClosureTransitions.startedBy("approval-withdrawn")).contains(Event.WITHDRAW_APPROVAL);
    assertThat(ClosureTransitions.startedBy("period-over")).contains(Event.PERIOD_OVER);
    assertThat(ClosureTransitions.startedBy("CLOSED")).isEmpty();
    assertThat(ClosureTransitions.startedBy(null)).isEmpty();
  }
}
