package jp.enclave.pseudonymizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jp.enclave.audit.AuditVerifier;
import jp.enclave.pseudonymizer.db.Duck;
import jp.enclave.pseudonymizer.project.ExtractProvisioner;
import jp.enclave.pseudonymizer.project.ProjectDeletion;
import jp.enclave.pseudonymizer.project.ProjectException;
import jp.enclave.pseudonymizer.project.ProjectSpec;
import jp.enclave.pseudonymizer.store.StoreBuilder;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.SealedFiles;
import jp.enclave.sealed.SealedStoreException;
import jp.enclave.sealed.extract.SealedExtract;
import jp.enclave.sealed.extract.Sensitivity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProjectExtractTest {
  HolderHome home;

  @BeforeAll
  void pipeline(@TempDir Path tmp) {
    home = new HolderHome(tmp);
    SyntheticSource.generate(new SyntheticSource.Config(5, 3000, 0.002), home.source());
    Pipeline.Report report = Pipeline.run(home, 0.5);
    assertThat(report.ingest().reconciles()).isTrue();
  }

  static ProjectSpec spec(String id) {
    return new ProjectSpec(id, "糖尿病患者の検査値推移",
        new ProjectSpec.Approval("approved", "review-board", LocalDate.of(2026, 4, 1)),
        Map.of("patient", List.of("*"), "lab_result", List.of("person_id", "lab_code", "value", "sampled_date"),
            "diagnosis", List.of("*"), "clinical_note", List.of("*")),
        new ProjectSpec.Cohort(List.of("E11"), null, null, null),
        new ProjectSpec.Period(LocalDate.of(2018, 1, 1), LocalDate.of(2023, 12, 31)));
  }

  private Set<String> persons(String projectId) throws Exception {
    try (PrivateScratch scratch = PrivateScratch.create("test")) {
      SealedExtract.Opened opened = SealedExtract.open(SealedExtract.manifestPath(home.extracts(), projectId),
          projectId, home.extractVault(), scratch);
      Set<String> out = new HashSet<>();
      try (Connection c = Duck.open(opened.database()); Statement s = c.createStatement()) {
        try (ResultSet r = s.executeQuery("SELECT person_id FROM patient")) {
          while (r.next()) {
            out.add(r.getString(1));
          }
        }
        try (ResultSet r = s.executeQuery("SELECT count(*) FROM information_schema.tables")) {
          r.next();
          assertThat(r.getLong(1)).as("only the requested tables").isEqualTo(4);
        }
        try (ResultSet r = s.executeQuery("SELECT count(*) FROM lab_result WHERE sampled_date < DATE '2018-01-01' "
            + "OR sampled_date > DATE '2023-12-31'")) {
          r.next();
          assertThat(r.getLong(1)).as("rows outside the period").isZero();
        }
        try (ResultSet r = s.executeQuery("SELECT count(*) FROM patient p WHERE NOT EXISTS (SELECT 1 FROM diagnosis d "
            + "WHERE d.person_id = p.person_id AND d.icd10 LIKE 'E11%')")) {
          r.next();
          assertThat(r.getLong(1)).as("persons outside the cohort").isZero();
        }
      }
      assertThat(opened.manifest().table("clinical_note").orElseThrow().column("text").orElseThrow().sensitivity())
          .isEqualTo(Sensitivity.FREE_TEXT);
      assertThat(opened.manifest().table("lab_result").orElseThrow().columns()).hasSize(4);
      return out;
    }
  }

  @Test
  void sameCohortGetsDifferentPseudonymsInDifferentProjects() throws Exception {
    ExtractProvisioner.Result a = ExtractProvisioner.provision(home, spec("dm-a"));
    ExtractProvisioner.Result b = ExtractProvisioner.provision(home, spec("dm-b"));
    assertThat(a.persons()).isEqualTo(b.persons()).isGreaterThan(100);
    Set<String> pa = persons("dm-a");
    Set<String> pb = persons("dm-b");
    assertThat(pa).hasSize((int) a.persons()).allMatch(p -> p.matches("Q[0-9A-F]{16}"));
    assertThat(pb).hasSize((int) b.persons());
    assertThat(pa).doesNotContainAnyElementsOf(pb);
    try (OpenedHolding store = OpenedHolding.store(home); Statement s = store.connection().createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM patient WHERE person_id IN ('"
            + String.join("','", pa) + "')")) {
      r.next();
      assertThat(r.getLong(1)).as("extract pseudonyms are not store pseudonyms").isZero();
    }
  }

  @Test
  void deletedProjectCannotBeOpenedEvenFromABackup() throws Exception {
    ExtractProvisioner.provision(home, spec("to-delete"));
    Path backup = home.root().resolve("backup");
    Files.createDirectories(backup);
    Files.copy(SealedExtract.sealedPath(home.extracts(), "to-delete"), SealedExtract.sealedPath(backup, "to-delete"));
    Files.copy(SealedExtract.manifestPath(home.extracts(), "to-delete"), SealedExtract.manifestPath(backup, "to-delete"));

    ProjectDeletion.Record record = ProjectDeletion.delete(home, "to-delete", "steward-1");
    assertThat(record.destroyedKeys()).hasSize(2);
    assertThat(record.removedFiles()).hasSize(2);
    assertThat(Files.list(home.deletions()).toList()).hasSize(1);
    assertThat(SealedExtract.manifestPath(home.extracts(), "to-delete")).doesNotExist();
    try (PrivateScratch scratch = PrivateScratch.create("test")) {
      assertThatThrownBy(() -> SealedExtract.open(SealedExtract.manifestPath(backup, "to-delete"), "to-delete",
          home.extractVault(), scratch))
          .isInstanceOf(SealedStoreException.class).hasMessageContaining("does not exist");
    }
    assertThatThrownBy(() -> ProjectDeletion.delete(home, "to-delete", "steward-1"))
        .isInstanceOf(ProjectException.class).hasMessageContaining("no extract or keys");

    AuditVerifier.Result chain = AuditVerifier.verify(home.audit());
    assertThat(chain.ok()).as(chain.problem()).isTrue();
    List<String> events = Files.readAllLines(home.audit()).stream()
        .filter(l -> l.contains("\"to-delete\"")).map(l -> l.replaceAll(".*\"event\":\"([^\"]+)\".*", "$1")).toList();
    assertThat(events).containsExactly("project.provision-requested", "project.provisioned",
        "project.delete-requested", "project.deleted", "project.delete-refused");
  }

  @Test
  void unapprovedOrMalformedSpecIsRefusedWithEveryReasonAndChangesNothing() throws Exception {
    ProjectSpec bad = new ProjectSpec("Bad Id", "x", new ProjectSpec.Approval("submitted", null, null),
        Map.of("patients", List.of("*"), "lab_result", List.of("value", "colour")),
        new ProjectSpec.Cohort(List.of("e11;drop"), "X", null, null),
        new ProjectSpec.Period(LocalDate.of(2024, 1, 1), LocalDate.of(2020, 1, 1)));
    assertThatThrownBy(() -> ExtractProvisioner.provision(home, bad))
        .isInstanceOf(ProjectException.class)
        .hasMessageContaining("projectId 'Bad Id'")
        .hasMessageContaining("not approved")
        .hasMessageContaining("tables.patients: no such table")
        .hasMessageContaining("tables.lab_result: no column 'colour'")
        .hasMessageContaining("person_id is required")
        .hasMessageContaining("'e11;drop' is not an ICD-10 code prefix")
        .hasMessageContaining("cohort.sex must be M or F")
        .hasMessageContaining("is after period.to");
    assertThat(home.extracts().resolve("Bad Id.manifest.json")).doesNotExist();
    assertThat(Files.readString(home.audit())).contains("\"project.provision-refused\"", "not approved");
  }

  @Test
  void correspondenceTableOpensOnlyWithTheHolderKey() throws Exception {
    Path sealed = home.sealedCorrespondence();
    assertThat(new String(Files.readAllBytes(sealed), java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("H01-000", "H02-000", "registration");
    assertThat(home.extractVault().exists(HolderHome.CORRESPONDENCE_KEY)).isFalse();
    try (PrivateScratch scratch = PrivateScratch.create("test")) {
      home.extractVault().createSealingKey("intruder");
      assertThatThrownBy(() -> SealedFiles.unseal(sealed, scratch.resolve("a.parquet"),
          home.extractVault().sealingKey("intruder"), StoreBuilder.CORRESPONDENCE_CONTEXT))
          .isInstanceOf(SealedStoreException.class);
      Path plain = scratch.resolve("c.parquet");
      SealedFiles.unseal(sealed, plain, home.holderVault().sealingKey(HolderHome.CORRESPONDENCE_KEY),
          StoreBuilder.CORRESPONDENCE_CONTEXT);
      try (Connection c = Duck.open(null); Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT count(*), count(DISTINCT person_id), min(hospital_id) FROM read_parquet('"
              + plain + "') WHERE store_table = 'registration'")) {
        r.next();
        assertThat(r.getLong(1)).isGreaterThan(3000);
        assertThat(r.getLong(2)).isBetween(2900L, 3100L);
        assertThat(r.getString(3)).startsWith("H");
      }
      try (OpenedHolding store = OpenedHolding.store(home); Statement s = store.connection().createStatement();
          ResultSet r = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE k.person_id = l.person_id), "
              + "(SELECT count(*) FROM lab_result) FROM lab_result l JOIN read_parquet('" + plain + "') k "
              + "ON k.store_table = 'lab_result' AND k.store_record_id = l.lab_id")) {
        r.next();
        assertThat(r.getLong(1)).as("every store record has its correspondence row").isEqualTo(r.getLong(3));
        assertThat(r.getLong(2)).as("and it names the same person").isEqualTo(r.getLong(3));
      }
    }
    home.extractVault().destroy("intruder");
  }
}
