package jp.enclave.pseudonymizer.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jp.enclave.pseudonymizer.source.SourceTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticSourceTest {
  @TempDir Path tmp;

  @Test
  void sameSeedWritesIdenticalFilesAndAnotherSeedDoesNot() throws Exception {
    SyntheticSource.generate(new SyntheticSource.Config(3, 500, 0.01), tmp.resolve("a"));
    SyntheticSource.generate(new SyntheticSource.Config(3, 500, 0.01), tmp.resolve("b"));
    SyntheticSource.generate(new SyntheticSource.Config(4, 500, 0.01), tmp.resolve("c"));
    for (SourceTable t : SourceTable.values()) {
      assertThat(Files.mismatch(tmp.resolve("a").resolve(t.fileName()), tmp.resolve("b").resolve(t.fileName())))
          .as(t.fileName()).isEqualTo(-1L);
    }
    assertThat(Files.mismatch(tmp.resolve("a/patients.csv"), tmp.resolve("c/patients.csv"))).isNotEqualTo(-1L);
  }

  @Test
  void samePersonAppearsAtSeveralHospitalsWithDifferentLocalIdsAndTruthRecordsIt() throws Exception {
    SyntheticSource.Report r = SyntheticSource.generate(new SyntheticSource.Config(9, 2000, 0), tmp);
    List<String> truth = Files.readAllLines(tmp.resolve(SyntheticSource.TRUTH_FILE));
    assertThat(truth).hasSize((int) r.registrations() + 1);
    Map<String, List<String>> byPerson = truth.stream().skip(1).map(l -> l.split(","))
        .collect(Collectors.groupingBy(f -> f[2], Collectors.mapping(f -> f[0] + "/" + f[1], Collectors.toList())));
    assertThat(byPerson).hasSize(2000);
    long multi = byPerson.values().stream().filter(v -> v.size() > 1).count();
    assertThat(multi).as("persons registered at 2+ hospitals").isBetween(700L, 900L);
    assertThat(byPerson.values().stream().flatMap(List::stream).distinct().count()).isEqualTo(r.registrations());
    String patients = Files.readString(tmp.resolve("patients.csv"));
    assertThat(patients).as("hiragana from one hospital's system").containsPattern("[ぁ-ゖ]{2,}");
    assertThat(Files.readString(tmp.resolve("diagnoses.csv"))).contains("I10", "E11.9");
    assertThat(Files.readString(tmp.resolve("notes.csv"))).containsPattern("0[0-9]0-[0-9]{4}-[0-9]{4}");
  }
}
