package jp.enclave.server.reidentification;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import jp.enclave.server.reidentification.ReidTransitions.Action;
import jp.enclave.server.reidentification.ReidTransitions.Party;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every cell of state × action × party against the matrix written out by hand (I inspector, O officer, S server). */
class ReidTransitionsTest {
  private static final String MATRIX = """
      state         approve reject start finish fail retry read
      filed          O       O      -     -      -    -     -
      one-approval   O       O      -     -      -    -     -
      approved       -       -      S     -      -    -     -
      running        -       -      -     S      S    -     -
      failed         -       -      -     -      -    O     -
      completed      -       -      -     -      -    -     I
      rejected       -       -      -     -      -    -     -
      """;

  static Stream<Arguments> cells() {
    List<String[]> rows = MATRIX.lines().map(String::strip).filter(l -> !l.isEmpty()).map(l -> l.split("\\s+")).toList();
    String[] header = rows.get(0);
    Stream.Builder<Arguments> out = Stream.builder();
    for (String[] row : rows.subList(1, rows.size())) {
      ReidState state = Arrays.stream(ReidState.values()).filter(s -> s.wire().equals(row[0])).findFirst().orElseThrow();
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
  void theMatrixCoversEveryCell() {
    assertThat(cells().count()).isEqualTo((long) ReidState.values().length * Action.values().length * Party.values().length);
    assertThat(ReidTransitions.TABLE).hasSize(9);
  }

  @ParameterizedTest(name = "{0} {1} by {2}: {3}")
  @MethodSource("cells")
  void cell(ReidState state, Action action, Party party, boolean allowed) {
    assertThat(ReidTransitions.allowed(state, action, party)).isEqualTo(allowed);
  }
}
