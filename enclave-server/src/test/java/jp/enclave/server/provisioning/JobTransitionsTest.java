package jp.enclave.server.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import jp.enclave.server.provisioning.JobTransitions.Event;
import jp.enclave.server.provisioning.JobTransitions.Transition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The provisioning job's transition table row by row, and every pair absent from it refused. */
class JobTransitionsTest {
  private static final Set<String> ROWS = Set.of("QUEUED/START", "QUEUED/REFUSE", "RUNNING/PROGRESS",
      "RUNNING/SUCCEED", "RUNNING/FAIL", "RUNNING/INTERRUPT");

  @ParameterizedTest(name = "{0} --{1}--> {2}")
  @CsvSource(nullValues = "-", value = {
      "QUEUED,  START,     RUNNING,   provisioning.started",
      "QUEUED,  REFUSE,    FAILED,    provisioning.failed",
      "RUNNING, PROGRESS,  RUNNING,   -",
      "RUNNING, SUCCEED,   SUCCEEDED, provisioning.succeeded",
      "RUNNING, FAIL,      FAILED,    provisioning.failed",
      "RUNNING, INTERRUPT, QUEUED,    provisioning.interrupted"})
  void row(JobState from, Event event, JobState to, String audit) {
    assertThat(JobTransitions.find(from, event)).contains(new Transition(from, event, to, audit));
  }

  @Test
  void tableHasExactlyTheRowsAbove() {
    assertThat(JobTransitions.TABLE).hasSize(ROWS.size());
    Set<String> pairs = new HashSet<>();
    JobTransitions.TABLE.forEach(t -> assertThat(pairs.add(t.from() + "/" + t.event())).isTrue());
    assertThat(pairs).isEqualTo(ROWS);
  }

  /** Every (state, event) pair not in the table is refused: final states take nothing. */
  @ParameterizedTest
  @EnumSource(JobState.class)
  void everyAbsentPairIsRefused(JobState from) {
    for (Event e : Event.values()) {
      if (!ROWS.contains(from + "/" + e)) {
        assertThat(JobTransitions.find(from, e)).as(from + "/" + e).isEmpty();
      }
    }
  }

  /** Only progress goes unaudited; every change of state writes its event. */
  @Test
  void everyStateChangeIsAudited() {
    JobTransitions.TABLE.stream().filter(t -> t.event() != Event.PROGRESS)
        .forEach(t -> assertThat(t.auditEvent()).as(t.toString()).startsWith("provisioning."));
  }
}
