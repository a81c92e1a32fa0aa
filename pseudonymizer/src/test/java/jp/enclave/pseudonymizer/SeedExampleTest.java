package jp.enclave.pseudonymizer;

import static jp.enclave.pseudonymizer.source.SourceTable.DIAGNOSIS;
import static jp.enclave.pseudonymizer.source.SourceTable.ENCOUNTER;
import static jp.enclave.pseudonymizer.source.SourceTable.NOTE;
import static jp.enclave.pseudonymizer.source.SourceTable.PATIENT;
import static jp.enclave.pseudonymizer.source.SourceTable.VITAL;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import jp.enclave.pseudonymizer.anonymize.Anonymizer;
import jp.enclave.pseudonymizer.anonymize.KAnonymity;
import jp.enclave.pseudonymizer.db.Duck;
import jp.enclave.pseudonymizer.store.StoreTable;
import jp.enclave.sealed.PrivateScratch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeds' example: 内閣花子 女 2003/2/26 2020/8/3 53.4 211 膵島細胞症. Pseudonymized it keeps
 * every value but the name; anonymized it becomes 女 2003/2 (date shifted) 50～55 201以上 その他.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeedExampleTest {
  HolderHome home;

  @BeforeAll
  void pipeline(@TempDir Path tmp) throws Exception {
    home = new HolderHome(tmp);
    SourceFixture f = new SourceFixture()
        .add(PATIENT, "H03", "H03-0000001", "内閣 花子", "ナイカク ハナコ", "F", "2003-02-26", "100-8914", "東京都",
            "千代田区", "永田町1丁目6番1号", "090-1234-5678", "12345678")
        .add(ENCOUNTER, "H03", "H03-0000001", "E1", "outpatient", "内科", "2020-08-03", "")
        .add(VITAL, "H03", "H03-0000001", "V1", "E1", "2020-08-03", "155.0", "53.4", "211", "120")
        .add(DIAGNOSIS, "H03", "H03-0000001", "D1", "E1", "E16.1", "膵島細胞症", "2020-08-03", "true")
        .add(NOTE, "H03", "H03-0000001", "N1", "E1", "2020-08-03", "経過記録",
            "内閣花子様、17歳。低血糖発作で受診。連絡先 090-1234-5678。ナイカクさんに説明済み。");
    for (int i = 2; i <= 13; i++) {
      String id = String.format("H03-%07d", i);
      f.add(PATIENT, "H03", id, "佐藤 太郎" + i, "サトウ タロウ" + i, "M", "1960-01-" + (10 + i), "", "東京都", "新宿区", "",
              "", "")
          .add(ENCOUNTER, "H03", id, id + "-E1", "outpatient", "内科", "2020-09-01", "")
          .add(VITAL, "H03", id, id + "-V1", id + "-E1", "2020-09-01", "170.0", "70.2", "130", "80")
          .add(DIAGNOSIS, "H03", id, id + "-D1", id + "-E1", "I10", "本態性高血圧症", "2020-09-01", "true");
    }
    f.write(home.source());
    Pipeline.Report report = Pipeline.run(home, 0.5);
    assertThat(report.ingest().quarantined()).isZero();
    assertThat(report.linkage().clusters()).isEqualTo(13);
    assertThat(report.store().persons()).isEqualTo(13);
  }

  @Test
  void pseudonymizedRowKeepsEveryValueButTheName() throws Exception {
    try (OpenedHolding store = OpenedHolding.store(home); Statement s = store.connection().createStatement();
        ResultSet r = s.executeQuery("SELECT p.person_id, p.sex, p.birth_date, v.measured_date, v.weight_kg, "
            + "v.systolic_bp, d.diagnosis_name FROM patient p JOIN vital_sign v USING (person_id) "
            + "JOIN diagnosis d ON d.person_id = p.person_id WHERE d.icd10 = 'E16.1'")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).matches("P[0-9A-F]{16}");
      String row = sex(r.getString(2)) + " " + date(r.getObject(3, LocalDate.class)) + " "
          + date(r.getObject(4, LocalDate.class)) + " " + r.getDouble(5) + " " + r.getInt(6) + " " + r.getString(7);
      assertThat(row).isEqualTo("女 2003/2/26 2020/8/3 53.4 211 膵島細胞症");
    }
  }

  @Test
  void noNameKanaPhoneAddressOrLocalIdSurvivesInTheStore() throws Exception {
    try (OpenedHolding store = OpenedHolding.store(home); Statement s = store.connection().createStatement()) {
      for (StoreTable t : StoreTable.values()) {
        for (StoreTable.StoreColumn col : t.columns()) {
          if (!col.type().equals("VARCHAR")) {
            continue;
          }
          try (ResultSet r = s.executeQuery("SELECT count(*) FROM " + t.tableName() + " WHERE " + col.name()
              + " SIMILAR TO '.*(内閣|花子|ナイカク|ハナコ|090-1234-5678|永田町|千代田区|H03-0000001|12345678).*'")) {
            r.next();
            assertThat(r.getLong(1)).as(t.tableName() + "." + col.name()).isZero();
          }
        }
      }
      try (ResultSet r = s.executeQuery("SELECT text FROM clinical_note")) {
        r.next();
        assertThat(r.getString(1)).isEqualTo("［氏名］様、17歳。低血糖発作で受診。連絡先 ［電話］。［氏名］さんに説明済み。");
      }
    }
  }

  @Test
  void anonymizedRowIsCoarsenedAsTheSeedsShow() throws Exception {
    try (PrivateScratch scratch = PrivateScratch.create("test-anonymized")) {
      Path anonymized = scratch.resolve("anonymized.duckdb");
      KAnonymity.Report k = Anonymizer.build(home.open(HolderHome.Holding.STORE, scratch), anonymized,
          home.holderVault().prfKey(HolderHome.PSEUDONYM_KEY), Anonymizer.Profile.DEFAULT);
      checkAnonymized(k, anonymized);
    }
  }

  private void checkAnonymized(KAnonymity.Report k, Path anonymized) throws Exception {
    assertThat(k.persons()).isEqualTo(13);
    assertThat(k.satisfied()).isFalse();
    assertThat(k.classes()).isEqualTo(2);
    assertThat(k.personsBelowK()).as("only 内閣花子 is alone in her class").isEqualTo(1);
    try (Connection c = Duck.open(anonymized); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT p.id, p.sex, p.birth_ym, v.measured_date, v.weight_band, v.systolic_bp, "
            + "d.diagnosis_name FROM patient p JOIN vital_sign v USING (id) JOIN diagnosis d USING (id) "
            + "WHERE p.sex = 'F'")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).matches("A[0-9A-F]{16}");
      LocalDate shifted = r.getObject(4, LocalDate.class);
      long shift = ChronoUnit.DAYS.between(LocalDate.of(2020, 8, 3), shifted);
      assertThat(shift).isBetween(-10L, 10L).isNotZero();
      String row = sex(r.getString(2)) + " " + r.getString(3) + " " + date(shifted) + " " + r.getString(5) + " "
          + r.getString(6) + " " + r.getString(7);
      assertThat(row).isEqualTo("女 2003/2 " + date(shifted) + " 50～55 201以上 その他");
    }
    try (Connection c = Duck.open(anonymized); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM diagnosis WHERE diagnosis_name = '本態性高血圧症'")) {
      r.next();
      assertThat(r.getLong(1)).as("a diagnosis held by k or more persons is kept").isEqualTo(12);
    }
  }

  private static String sex(String code) {
    return "F".equals(code) ? "女" : "男";
  }

  private static String date(LocalDate d) {
    return d.getYear() + "/" + d.getMonthValue() + "/" + d.getDayOfMonth();
  }
}
