package jp.enclave.server.airlock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import jp.enclave.server.airlock.ExportTransitions.Action;
import jp.enclave.server.airlock.ExportTransitions.Party;
import jp.enclave.server.airlock.ExportTransitions.Transition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every cell of the transition matrix (state × action × party), without a database: the matrix
 * below is written out by hand, the table in code must agree with it cell by cell. A = author,
 * R = reviewer, S = the server, - = nobody.
 */
class ExportTransitionsTest {
  private static final String MATRIX = """
      state        edit submit start-check finish-check fail-check retry-check vote approve reject release revoke download
      draft         A    A      -           -            -          -           -    -       -      -       -      -
      submitted     -    -      S           -            -          -           -    -       -      -       -      -
      checking      -    -      -           S            S          -           -    -       -      -       -      -
      check-failed  -    -      -           -            -          A           -    -       -      -       -      -
      checked       -    -      -           -            -          -           R    -       -      -       -      -
      in-review     -    -      -           -            -          -           R    S       S      -       -      -
      approved      -    -      -           -            -          -           -    -       -      S       -      -
      rejected      -    -      -           -            -          -           -    -       -      -       -      -
      released      -    -      -           -            -          -           -    -       -      -       R      A
      revoked       -    -      -           -            -          -           -    -       -      -       -      -
      """;

  static Stream<Arguments> cells() {
    List<String[]> rows = MATRIX.lines().map(String::strip).filter(l -> !l.isEmpty()).map(l -> l.split("\\s+")).toList();
    String[] header = rows.get(0);
    Stream.Builder<Arguments> out = Stream.builder();
    for (String[] row : rows.subList(1, rows.size())) {
      ExportState state = Arrays.stream(ExportState.values()).filter(s -> s.wire().equals(row[0])).findFirst().orElseThrow();
      for (int col = 1; col < header.length; col++) {
        String h = header[col];
        Action action = Arrays.stream(Action.values()).filter(a -> a.wire().equals(h)).findFirst().orElseThrow();
        for (Party party : Party.values()) {
          out.add(Arguments.of(state, action, party, row[col].equals(party.name().substring(0, 1))));
        }
      }
    }
    return out.build();
  }

  @Test
  void theMatrixCoversEveryStateAndAction() {
    assertThat(cells().count()).isEqualTo((long) ExportState.values().length * Action.values().length * Party.values().length);
  }

  @ParameterizedTest(name = "{0} {1} by {2}: {3}")
  @MethodSource("cells")
  void cell(ExportState state, Action action, Party party, boolean allowed) {
    assertThat(ExportTransitions.allowed(state, action, party)).isEqualTo(allowed);
  }

  @ParameterizedTest(name = "{0} --{1}--> {3}")
  @CsvSource({
      "DRAFT,        EDIT,         AUTHOR,   DRAFT,        export.edited",
      "DRAFT,        SUBMIT,       AUTHOR,   SUBMITTED,    export.submitted",
      "SUBMITTED,    START_CHECK,  SYSTEM,   CHECKING,     export.check-started",
      "CHECKING,     FINISH_CHECK, SYSTEM,   CHECKED,      export.checked",
      "CHECKING,     FAIL_CHECK,   SYSTEM,   CHECK_FAILED, export.check-failed",
      "CHECK_FAILED, RETRY_CHECK,  AUTHOR,   SUBMITTED,    export.check-retried",
      "CHECKED,      VOTE,         REVIEWER, IN_REVIEW,    export.voted",
      "IN_REVIEW,    VOTE,         REVIEWER, IN_REVIEW,    export.voted",
      "IN_REVIEW,    APPROVE,      SYSTEM,   APPROVED,     export.approved",
      "IN_REVIEW,    REJECT,       SYSTEM,   REJECTED,     export.rejected",
      "APPROVED,     RELEASE,      SYSTEM,   RELEASED,     export.released",
      "RELEASED,     DOWNLOAD,     AUTHOR,   RELEASED,     export.downloaded",
      "RELEASED,     REVOKE,       REVIEWER, REVOKED,      export.revoked"})
  void row(ExportState from, Action action, Party party, ExportState to, String event) {
    assertThat(ExportTransitions.find(from, action)).contains(new Transition(from, action, party, to, event));
  }

  @Test
  void oneRowPerStateAndAction() {
    assertThat(ExportTransitions.TABLE).hasSize(13);
    Set<String> pairs = new HashSet<>();
    ExportTransitions.TABLE.forEach(t -> assertThat(pairs.add(t.from() + "/" + t.action())).isTrue());
  }

  /** The README's diagram is the one generated from the table (regenerate: copy {@link ExportTransitions#mermaid()}). */
  @Test
  void readmeDiagramIsGeneratedFromTheTable() throws Exception {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    String begin = "<!-- export-states:begin (generated by ExportTransitions.mermaid(); ExportTransitionsTest checks) -->\n```mermaid\n";
    String end = "```\n<!-- export-states:end -->";
    assertThat(readme).contains(begin).contains(end);
    String shown = readme.substring(readme.indexOf(begin) + begin.length(), readme.indexOf(end));
    assertThat(shown).as("README diagram; expected:\n" + ExportTransitions.mermaid()).isEqualTo(ExportTransitions.mermaid());
  }
}
