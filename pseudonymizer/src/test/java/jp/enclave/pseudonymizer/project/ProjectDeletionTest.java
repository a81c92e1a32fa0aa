package jp.enclave.pseudonymizer.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import jp.enclave.audit.AuditVerifier;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.Pipeline;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import jp.enclave.sealed.KeyVault;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.SealedStoreException;
import jp.enclave.sealed.extract.SealedExtract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resumable deletion the enclave server's project end runs: a second run answers with the
 * first run's record, a run interrupted after a key was destroyed finishes and still names that
 * key, and a project the holder never had answers "nothing to delete".
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProjectDeletionTest {
  HolderHome home;

  @BeforeAll
  void pipeline(@TempDir Path tmp) {
    home = new HolderHome(tmp);
    SyntheticSource.generate(new SyntheticSource.Config(3, 300, 0.002), home.source());
    Pipeline.run(home, 0.5);
  }

  private static ProjectSpec spec(String id) {
    return new ProjectSpec(id, "t", new ProjectSpec.Approval("approved", "review-board", LocalDate.of(2026, 4, 1)),
        Map.of("patient", List.of("*")), new ProjectSpec.Cohort(List.of(), null, null, null),
        new ProjectSpec.Period(LocalDate.of(2010, 1, 1), LocalDate.of(2030, 12, 31)));
  }

  @Test
  void aRepeatAnswersWithTheFirstRecordAndDestroysNothingMore() {
    ExtractProvisioner.provision(home, spec("end-a"));
    ProjectDeletion.Outcome first = ProjectDeletion.deleteOrResume(home, "end-a", "steward");
    assertThat(first.status()).isEqualTo(ProjectDeletion.Status.DELETED);
    assertThat(first.record().destroyedKeys()).hasSize(2);
    ProjectDeletion.Outcome again = ProjectDeletion.deleteOrResume(home, "end-a", "steward");
    assertThat(again.status()).isEqualTo(ProjectDeletion.Status.ALREADY_DELETED);
    assertThat(again.record().destroyedKeys()).isEqualTo(first.record().destroyedKeys());
    assertThat(again.record().deletedAt()).isEqualTo(first.record().deletedAt());
    assertThat(home.deletions().resolve("end-a.pending.json")).doesNotExist();
  }

  @Test
  void aDeletionInterruptedAfterItsFirstKeyFinishesAndNamesThatKey() throws Exception {
    ExtractProvisioner.provision(home, spec("end-b"));
    ProjectDeletion.Pending pending = ProjectDeletion.journal(home, "end-b");
    KeyVault.KeyDestruction gone = home.extractVault().destroy(HolderHome.extractKey("end-b")); // then "killed"
    assertThat(pending.extractKey().wrappedKeySha256()).isEqualTo(gone.wrappedKeySha256());

    ProjectDeletion.Outcome o = ProjectDeletion.deleteOrResume(home, "end-b", "steward");
    assertThat(o.status()).isEqualTo(ProjectDeletion.Status.DELETED);
    assertThat(o.record().destroyedKeys()).extracting(KeyVault.KeyDestruction::keyId)
        .containsExactly(HolderHome.extractKey("end-b"), HolderHome.projectPrfKey("end-b"));
    assertThat(o.record().destroyedKeys().get(0).wrappedKeySha256()).isEqualTo(gone.wrappedKeySha256());
    assertThat(SealedExtract.manifestPath(home.extracts(), "end-b")).doesNotExist();
    assertThat(home.deletions().resolve("end-b.pending.json")).doesNotExist();
  }

  @Test
  void aProjectTheHolderNeverHadIsNothingToDeleteAndAudited() throws Exception {
    ProjectDeletion.Outcome o = ProjectDeletion.deleteOrResume(home, "never", "steward");
    assertThat(o.status()).isEqualTo(ProjectDeletion.Status.NOTHING_TO_DELETE);
    assertThat(o.record()).isNull();
    assertThat(Files.readString(home.audit())).contains("\"project.delete-nothing\"");
    assertThat(AuditVerifier.verify(home.audit()).ok()).isTrue();
    assertThatThrownBy(() -> ProjectDeletion.delete(home, "never", "steward"))
        .isInstanceOf(ProjectException.class).hasMessageContaining("no extract or keys");
  }

  @Test
  void afterTheEndTheExtractCannotBeOpened() throws Exception {
    ExtractProvisioner.provision(home, spec("end-c"));
    Path backup = Files.createDirectories(home.root().resolve("backup-c"));
    Files.copy(SealedExtract.sealedPath(home.extracts(), "end-c"), SealedExtract.sealedPath(backup, "end-c"));
    Files.copy(SealedExtract.manifestPath(home.extracts(), "end-c"), SealedExtract.manifestPath(backup, "end-c"));
    ProjectDeletion.deleteOrResume(home, "end-c", "steward");
    try (PrivateScratch scratch = PrivateScratch.create("test")) {
      assertThatThrownBy(() -> SealedExtract.open(SealedExtract.manifestPath(backup, "end-c"), "end-c",
          home.extractVault(), scratch)).isInstanceOf(SealedStoreException.class).hasMessageContaining("does not exist");
    }
  }
}
