package jp.enclave.pseudonymizer.optout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import jp.enclave.audit.AuditVerifier;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.Pipeline;
import jp.enclave.pseudonymizer.SourceFixture;
import jp.enclave.pseudonymizer.db.Duck;
import jp.enclave.pseudonymizer.project.ExtractExport;
import jp.enclave.pseudonymizer.project.ExtractProvisioner;
import jp.enclave.pseudonymizer.project.ProjectSpec;
import jp.enclave.pseudonymizer.source.SourceTable;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.SealedStoreException;
import jp.enclave.sealed.extract.ExtractHome;
import jp.enclave.sealed.extract.SealedExtract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeds' example person, 内閣花子, registered at two hospitals, opts out through one
 * hospital's ID: every record of hers, from both hospitals, leaves the store and the project
 * extract that held her (re-provisioned, the old one crypto-shredded, also in the gateway's home);
 * a release computed from her is listed. A request naming someone not yet in the sources is kept
 * and matched at a later ingest.
 */
class OptOutTest {
  @TempDir Path tmp;

  /** Her vital sign in the seeds' example: it finds her rows wherever they are. */
  private static final String HER_VITAL = "measured_date = DATE '2020-08-03' AND weight_kg = 53.4 AND systolic_bp = 211";

  private static SourceFixture hanako() {
    SourceFixture f = new SourceFixture();
    for (String[] reg : new String[][] {{"H03", "H03-9000001", "ナイカク ハナコ"}, {"H01", "H01-9000002", "ないかく はなこ"}}) {
      String h = reg[0];
      String id = reg[1];
      f.add(SourceTable.PATIENT, h, id, "内閣 花子", reg[2], "F", "2003-02-26", "100-8914", "東京都", "千代田区",
              "永田町1丁目6番1号", "090-1234-5678", "12345678")
          .add(SourceTable.ENCOUNTER, h, id, id + "-E1", "outpatient", "内科", "2020-08-03", "")
          .add(SourceTable.VITAL, h, id, id + "-V1", id + "-E1", "2020-08-03", "155.0", "53.4", "211", "120")
          .add(SourceTable.DIAGNOSIS, h, id, id + "-D1", id + "-E1", "E16.1", "膵島細胞症", "2020-08-03", "true")
          .add(SourceTable.NOTE, h, id, id + "-N1", id + "-E1", "2020-08-03", "経過記録", "低血糖発作で受診。");
    }
    return f;
  }

  private static SourceFixture mirai() {
    return new SourceFixture()
        .add(SourceTable.PATIENT, "H05", "H05-9000003", "山田 未来", "やまだ みらい", "F", "2010-01-01", "", "大阪府", "大阪市",
            "", "", "")
        .add(SourceTable.ENCOUNTER, "H05", "H05-9000003", "H05-9000003-E1", "outpatient", "小児科", "2021-05-06", "");
  }

  private static ProjectSpec spec(String id, List<String> prefixes) {
    return new ProjectSpec(id, id, new ProjectSpec.Approval("approved", "board", LocalDate.of(2026, 4, 1)),
        Map.of("patient", List.of("*"), "vital_sign", List.of("*"), "diagnosis", List.of("*")),
        new ProjectSpec.Cohort(prefixes, null, null, null), null);
  }

  private static long count(Connection c, String sql) {
    return Duck.queryLong(c, sql);
  }

  private static long inStore(HolderHome home, String sql) throws Exception {
    try (PrivateScratch scratch = PrivateScratch.create("test-store");
        Connection c = Duck.open(home.open(HolderHome.Holding.STORE, scratch))) {
      return count(c, sql);
    }
  }

  @Test
  void hanakoOptsOutThroughOneHospitalAndLeavesEveryHospitalsRecordsTheStoreAndTheExtract() throws Exception {
    HolderHome home = new HolderHome(tmp.resolve("holder"));
    SyntheticSource.generate(new SyntheticSource.Config(7, 2000, 0.001), home.source());
    hanako().append(home.source());
    Pipeline.Report first = Pipeline.run(home, 0.5);
    assertThat(first.optOut().requests()).isZero();
    assertThat(inStore(home, "SELECT count(DISTINCT person_id) FROM vital_sign WHERE " + HER_VITAL))
        .as("her two registrations are one person").isEqualTo(1);
    assertThat(inStore(home, "SELECT count(*) FROM registration WHERE person_id IN (SELECT person_id FROM vital_sign "
        + "WHERE " + HER_VITAL + ")")).isEqualTo(2);

    ExtractProvisioner.provision(home, spec("everyone", List.of()));
    ExtractProvisioner.provision(home, spec("hypertension", List.of("I10")));
    Path gateway = tmp.resolve("gateway");
    ExtractExport.export(home, "everyone", gateway, null);
    Path backup = Files.createDirectories(tmp.resolve("backup"));
    Files.copy(SealedExtract.sealedPath(home.extracts(), "everyone"), SealedExtract.sealedPath(backup, "everyone"));
    Files.copy(SealedExtract.manifestPath(home.extracts(), "everyone"), SealedExtract.manifestPath(backup, "everyone"));
    String untouched = SealedExtract.readManifest(SealedExtract.manifestPath(home.extracts(), "hypertension")).sealedSha256();
    long everyoneBefore;
    String herProjectPseudonym;
    try (PrivateScratch s = PrivateScratch.create("test"); Connection c = Duck.open(
        new ExtractHome(gateway).open("everyone", s).database()); Statement st = c.createStatement()) {
      everyoneBefore = count(c, "SELECT count(*) FROM patient");
      var r = st.executeQuery("SELECT person_id FROM vital_sign WHERE " + HER_VITAL);
      assertThat(r.next()).isTrue();
      herProjectPseudonym = r.getString(1);
    }

    OptOutEntry req = OptOutRegister.record(home, Identification.byHospitalId("H01", "H01-9000002"), LocalDate.now(),
        "H01 窓口", "steward-1");
    OptOutEntry later = OptOutRegister.record(home, Identification.byDemographics("山田 未来", "ヤマダ ミライ",
        LocalDate.of(2010, 1, 1), "F"), LocalDate.now(), "post", "steward-1");
    assertThat(req.status()).isEqualTo(OptOutEntry.Status.PENDING);
    byte[] sealedRegister = Files.readAllBytes(home.sealed(HolderHome.Holding.OPT_OUT_REGISTER));
    assertThat(new String(sealedRegister, StandardCharsets.ISO_8859_1)).doesNotContain("H01-9000002");
    assertThat(new String(sealedRegister, StandardCharsets.UTF_8)).doesNotContain("山田", "ヤマダ");

    Pipeline.Report second = Pipeline.run(home, 0.5);
    assertThat(second.optOut().matched()).isEqualTo(1);
    assertThat(second.optOut().unmatched()).isEqualTo(1);
    assertThat(second.ingest().reconciles()).isTrue();
    var files = second.ingest().files();
    for (SourceTable t : List.of(SourceTable.PATIENT, SourceTable.ENCOUNTER, SourceTable.VITAL, SourceTable.DIAGNOSIS,
        SourceTable.NOTE)) {
      assertThat(files.get(t).optedOut()).as(t.fileName() + ": her rows from both hospitals").isEqualTo(2);
      assertThat(files.get(t).input()).isEqualTo(first.ingest().files().get(t).input());
      assertThat(files.get(t).accepted()).isEqualTo(first.ingest().files().get(t).accepted() - 2);
    }
    assertThat(second.store().persons()).isEqualTo(first.store().persons() - 1);
    assertThat(inStore(home, "SELECT count(*) FROM vital_sign WHERE " + HER_VITAL)).isZero();
    assertThat(inStore(home, "SELECT count(*) FROM diagnosis WHERE icd10 = 'E16.1' AND diagnosis_date = DATE '2020-08-03' "
        + "AND person_id NOT IN (SELECT person_id FROM patient)")).isZero();
    List<OptOutEntry> register = OptOutRegister.load(home);
    assertThat(register).extracting(OptOutEntry::status)
        .containsExactly(OptOutEntry.Status.MATCHED, OptOutEntry.Status.UNMATCHED);
    assertThat(register.get(0).registrations()).isEqualTo(2);
    assertThat(register.get(0).storePseudonyms()).hasSize(1);

    Path releases = tmp.resolve("released.json");
    Files.writeString(releases, "[{\"releaseId\":\"R1\",\"projectId\":\"everyone\",\"releasedOn\":\"2026-11-01\","
        + "\"queryIds\":[\"q-1\"],\"persons\":[\"" + herProjectPseudonym + "\",\"Q0000000000000000\"]},"
        + "{\"releaseId\":\"R2\",\"projectId\":\"everyone\",\"releasedOn\":\"2026-11-02\",\"queryIds\":[\"q-2\"]},"
        + "{\"releaseId\":\"R3\",\"projectId\":\"everyone\",\"releasedOn\":\"2026-11-03\",\"queryIds\":[\"q-3\"],"
        + "\"persons\":[\"Q0000000000000001\"]},"
        + "{\"releaseId\":\"R4\",\"projectId\":\"hypertension\",\"releasedOn\":\"2026-11-04\",\"queryIds\":[\"q-4\"]}]");
    OptOutPropagation.Result done = OptOutPropagation.run(home, ReleasedOutputs.fromFile(releases), "steward-1");
    assertThat(done.extractsChecked()).isEqualTo(2);
    assertThat(done.affected()).singleElement().satisfies(a -> {
      assertThat(a.projectId()).isEqualTo("everyone");
      assertThat(a.persons()).isEqualTo(1);
      assertThat(a.reprovisioned()).isTrue();
      assertThat(a.releasesNamingThem()).extracting(ReleasedOutputs.Item::releaseId).containsExactly("R1");
      assertThat(a.releasesNotRecordingPersons()).extracting(ReleasedOutputs.Item::releaseId).containsExactly("R2");
    });
    assertThat(SealedExtract.readManifest(SealedExtract.manifestPath(home.extracts(), "hypertension")).sealedSha256())
        .as("an extract without her is left alone").isEqualTo(untouched);

    try (PrivateScratch s = PrivateScratch.create("test"); Connection c = Duck.open(
        new ExtractHome(gateway).open("everyone", s).database())) {
      assertThat(count(c, "SELECT count(*) FROM vital_sign WHERE " + HER_VITAL)).isZero();
      assertThat(count(c, "SELECT count(*) FROM patient")).isEqualTo(everyoneBefore - 1);
    }
    try (PrivateScratch s = PrivateScratch.create("test")) {
      assertThatThrownBy(() -> SealedExtract.open(SealedExtract.manifestPath(backup, "everyone"), "everyone",
          home.extractVault(), s)).as("the old extract is crypto-shredded").isInstanceOf(SealedStoreException.class);
    }
    assertThat(Files.list(home.deletions()).toList()).hasSize(1);

    // A later ingest brings the person the second request names: it matches then.
    mirai().append(home.source());
    Pipeline.Report third = Pipeline.run(home, 0.5);
    assertThat(third.optOut().matched()).isEqualTo(2);
    assertThat(third.ingest().files().get(SourceTable.PATIENT).optedOut()).isEqualTo(3);
    assertThat(third.ingest().files().get(SourceTable.ENCOUNTER).optedOut()).isEqualTo(3);
    assertThat(OptOutRegister.load(home).get(1).status()).isEqualTo(OptOutEntry.Status.MATCHED);
    assertThat(inStore(home, "SELECT count(*) FROM patient WHERE birth_date = DATE '2010-01-01' AND prefecture = '大阪府' "
        + "AND person_id IN (SELECT person_id FROM encounter WHERE admit_date = DATE '2021-05-06')")).isZero();
    assertThat(OptOutPropagation.run(home, ReleasedOutputs.none(), "steward-1").affected())
        .as("nothing left to re-provision").isEmpty();

    AuditVerifier.Result chain = AuditVerifier.verify(home.audit());
    assertThat(chain.ok()).as(chain.problem()).isTrue();
    String trail = Files.readString(home.audit());
    assertThat(trail).contains("\"opt-out.recorded\"", "\"opt-out.matched\"", "\"opt-out.unmatched\"",
        "\"opt-out.excluded\"", "\"opt-out.extract-affected\"", "\"opt-out.reprovisioned\"", "\"project.deleted\"",
        "\"project.exported\"").doesNotContain("H01-9000002", "内閣", "山田");
  }

  @Test
  void aRequestThatSaysNeitherWhoNorHowIsRefusedWithEveryReasonAndChangesNothing() {
    HolderHome home = new HolderHome(tmp.resolve("holder"));
    assertThatThrownBy(() -> OptOutRegister.record(home, new Identification("H99", "x", "内閣 花子", null, null, null),
        LocalDate.now().plusDays(1), " ", "steward-1"))
        .isInstanceOf(OptOutException.class)
        .hasMessageContaining("either by hospital code and local patient ID, or by name")
        .hasMessageContaining("not in the future")
        .hasMessageContaining("channel");
    assertThatThrownBy(() -> OptOutRegister.record(home, Identification.byDemographics("内閣 花子", "", null, "X"),
        LocalDate.now(), "post", "steward-1"))
        .hasMessageContaining("name (kana) is missing").hasMessageContaining("birth date is missing")
        .hasMessageContaining("sex must be M or F");
    assertThat(OptOutRegister.load(home)).isEmpty();
    assertThat(home.sealed(HolderHome.Holding.OPT_OUT_REGISTER)).doesNotExist();
  }

  @Test
  void propagationRefusesWhileTheStoreStillHoldsAnOptedOutPerson() throws Exception {
    HolderHome home = new HolderHome(tmp.resolve("holder"));
    SyntheticSource.generate(new SyntheticSource.Config(9, 500, 0), home.source());
    hanako().append(home.source());
    Pipeline.run(home, 0.5);
    OptOutRegister.record(home, Identification.byHospitalId("H03", "H03-9000001"), LocalDate.now(), "H03 窓口", "s");
    Pipeline.run(home, 0.5);
    // An old store put back (a restore from backup) would re-provision her: refused.
    var entries = OptOutRegister.load(home);
    assertThat(entries.get(0).storePseudonyms()).hasSize(1);
    Files.delete(home.sealed(HolderHome.Holding.OPT_OUT_REGISTER));
    Pipeline.run(home, 0.5);
    OptOutRegister.save(home, entries);
    assertThatThrownBy(() -> OptOutPropagation.run(home, ReleasedOutputs.none(), "s"))
        .isInstanceOf(OptOutException.class).hasMessageContaining("still in the store: run the pipeline");
  }
}
