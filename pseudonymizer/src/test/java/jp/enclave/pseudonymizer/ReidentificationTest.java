package jp.enclave.pseudonymizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jp.enclave.pseudonymizer.db.Duck;
import jp.enclave.pseudonymizer.project.ExtractProvisioner;
import jp.enclave.pseudonymizer.project.ProjectDeletion;
import jp.enclave.pseudonymizer.project.ProjectException;
import jp.enclave.pseudonymizer.project.Reidentification;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.extract.SealedExtract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-identification against the synthetic source's ground truth: a project pseudonym resolves to
 * the hospitals and local patient IDs that truth.csv says are that person; a pseudonym of no
 * person of the project resolves to nothing; after project end (key destroyed) nothing resolves;
 * every run and refusal is in the holder's trail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReidentificationTest {
  HolderHome home;
  Map<String, String> truth = new HashMap<>();

  @BeforeAll
  void pipeline(@TempDir Path tmp) throws Exception {
    home = new HolderHome(tmp);
    SyntheticSource.generate(new SyntheticSource.Config(5, 3000, 0.002), home.source());
    Pipeline.run(home, 0.5);
    ExtractProvisioner.provision(home, ProjectExtractTest.spec("reid"));
    List<String> lines = Files.readAllLines(home.source().resolve(SyntheticSource.TRUTH_FILE));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      truth.put(f[0] + "/" + f[1], f[2]);
    }
  }

  private List<String> projectPseudonyms(int n) throws Exception {
    try (PrivateScratch scratch = PrivateScratch.create("test")) {
      SealedExtract.Opened opened = SealedExtract.open(SealedExtract.manifestPath(home.extracts(), "reid"), "reid",
          home.extractVault(), scratch);
      List<String> out = new ArrayList<>();
      try (Connection c = Duck.open(opened.database()); Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT person_id FROM patient ORDER BY person_id LIMIT " + n)) {
        while (r.next()) {
          out.add(r.getString(1));
        }
      }
      return out;
    }
  }

  @Test
  void pseudonymsResolveToTheSourcesOfThatPersonAndNothingElse() throws Exception {
    List<String> q = projectPseudonyms(5);
    String stranger = "Q0123456789ABCDEF";
    List<String> asked = new ArrayList<>(q);
    asked.add(stranger);
    Reidentification.Result r = Reidentification.run(home, "reid", asked, "reid-1", "officer-1, officer-2");
    assertThat(r.sources().keySet()).containsExactlyInAnyOrderElementsOf(q);
    assertThat(r.notFound()).containsExactly(stranger);
    for (String p : q) {
      List<Reidentification.Source> sources = r.sources().get(p);
      assertThat(sources).isNotEmpty();
      Set<String> persons = sources.stream().map(s -> truth.get(s.hospital() + "/" + s.localPatientId()))
          .collect(Collectors.toSet());
      assertThat(persons).as("every source of " + p + " is one person of the ground truth").hasSize(1)
          .doesNotContainNull();
      assertThat(sources).anyMatch(s -> s.storeTable().equals("registration"));
      assertThat(sources).allMatch(s -> s.sourceRecordKey() != null && !s.sourceRecordKey().isBlank());
    }
    String trail = Files.readString(home.audit());
    assertThat(trail).contains("reidentification.run").contains("reid-1").doesNotContain(q.get(0));
  }

  @Test
  void malformedOrEmptyRequestsAreRefusedAndAudited() {
    assertThatThrownBy(() -> Reidentification.run(home, "reid", List.of("P0123456789ABCDEF"), "reid-2", "x"))
        .isInstanceOf(ProjectException.class).hasMessageContaining("not project pseudonyms");
    assertThatThrownBy(() -> Reidentification.run(home, "reid", List.of(), "reid-3", "x"))
        .isInstanceOf(ProjectException.class).hasMessageContaining("no pseudonyms");
    assertThatThrownBy(() -> Reidentification.run(home, "never-provisioned", List.of("Q0123456789ABCDEF"), "reid-4", "x"))
        .isInstanceOf(ProjectException.class).hasMessageContaining("no pseudonym key");
  }

  @Test
  void afterProjectEndNothingResolves() throws Exception {
    ExtractProvisioner.provision(home, ProjectExtractTest.spec("reid-ended"));
    ProjectDeletion.delete(home, "reid-ended", "steward");
    assertThatThrownBy(() -> Reidentification.run(home, "reid-ended", List.of("Q0123456789ABCDEF"), "reid-5", "x"))
        .isInstanceOf(ProjectException.class).hasMessageContaining("destroyed");
    assertThat(Files.readString(home.audit())).contains("reidentification.refused");
  }
}
