package jp.enclave.gateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import jp.enclave.sealed.KeyVault;
import jp.enclave.sealed.LocalKeyEncryptionKey;
import jp.enclave.sealed.extract.ExtractManifest;
import jp.enclave.sealed.extract.SealedExtract;
import jp.enclave.sealed.extract.Sensitivity;

/**
 * Builds a synthetic project extract with the lead's extract schema, sealed in the data holder's
 * layout ({@code <home>/extracts}, {@code <home>/keys/extract}, {@code <home>/kek/extract.kek}),
 * for tests and for running the benchmark stand-alone. Values come from a hash of the row number,
 * so the same patient count always gives the same data; about 33 rows per patient.
 */
public final class SyntheticExtract {
  /** All tables of the extract schema, in build order. */
  public static final List<String> ALL_TABLES = List.of("patient", "registration", "encounter", "diagnosis",
      "medication", "lab_result", "vital_sign", "allergy", "dpc_admission", "clinical_note");

  private SyntheticExtract() {}

  public static ExtractManifest build(Path home, String projectId, long patients) {
    return build(home, projectId, patients, Set.copyOf(ALL_TABLES));
  }

  /** Builds and seals; the plaintext build file is written next to the sealed one and deleted. */
  public static ExtractManifest build(Path home, String projectId, long patients, Set<String> tables) {
    try {
      Path extracts = Files.createDirectories(home.resolve("extracts"));
      Files.createDirectories(home.resolve("kek"));
      KeyVault vault = new KeyVault(home.resolve("keys/extract"),
          LocalKeyEncryptionKey.openOrCreate(home.resolve("kek/extract.kek")));
      String keyId = projectId.toLowerCase(java.util.Locale.ROOT) + "-extract";
      if (!vault.exists(keyId)) {
        vault.createSealingKey(keyId);
      }
      Path plain = extracts.resolve(projectId + ".build.duckdb");
      Files.deleteIfExists(plain);
      List<ExtractManifest.Table> manifestTables = new ArrayList<>();
      Class.forName("org.duckdb.DuckDBDriver");
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + plain);
           Statement s = c.createStatement()) {
        s.execute("SET preserve_insertion_order = false");
        for (String sql : script(patients)) {
          String table = sql.replaceFirst("(?s)^CREATE TABLE (\\w+).*", "$1");
          if (sql.startsWith("CREATE TABLE") && !tables.contains(table)) {
            continue;
          }
          s.execute(sql);
        }
        for (String t : ALL_TABLES) {
          if (tables.contains(t)) {
            manifestTables.add(describe(s, t));
          }
        }
        s.execute("CHECKPOINT");
      }
      ExtractManifest manifest = new ExtractManifest(ExtractManifest.FORMAT_VERSION, projectId, keyId,
          Instant.now().toString(), "person_id", manifestTables);
      SealedExtract.seal(plain, manifest, vault, extracts);
      Files.deleteIfExists(plain);
      Files.deleteIfExists(plain.resolveSibling(plain.getFileName() + ".wal"));
      return manifest;
    } catch (SQLException | IOException | ClassNotFoundException e) {
      throw new IllegalStateException("cannot build synthetic extract: " + e.getMessage(), e);
    }
  }

  private static ExtractManifest.Table describe(Statement s, String table) throws SQLException {
    List<ExtractManifest.Column> cols = new ArrayList<>();
    try (ResultSet rs = s.executeQuery("DESCRIBE " + table)) {
      while (rs.next()) {
        String name = rs.getString("column_name");
        cols.add(new ExtractManifest.Column(name, rs.getString("column_type"), label(table, name)));
      }
    }
    long rows;
    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      rows = rs.getLong(1);
    }
    return new ExtractManifest.Table(table, rows, cols);
  }

  /** The labelling rule the lead's pseudonymizer applies. */
  static Sensitivity label(String table, String column) {
    switch (column) {
      case "person_id":
        return Sensitivity.PSEUDONYM;
      case "sex": case "birth_date": case "prefecture":
        return Sensitivity.QUASI_IDENTIFIER;
      case "facility_id":
        return Sensitivity.FACILITY;
      case "text":
        return table.equals("clinical_note") ? Sensitivity.FREE_TEXT : Sensitivity.CLINICAL;
      default:
        return Sensitivity.CLINICAL;
    }
  }

  static List<String> script(long n) {
    String enc = Long.toString(n * 5);
    return List.of(
        "CREATE MACRO rnd(x, k) AS (hash(x * 1000003 + k) % 1000000) / 1000000.0",
        "CREATE MACRO pid(i) AS printf('P%09d', i)",
        "CREATE MACRO admit(e) AS DATE '2018-01-01' + CAST(floor(rnd(e, 3) * 2190) AS INTEGER)",
        "CREATE MACRO pick(l, x, k) AS l[1 + CAST(floor(rnd(x, k) * len(l)) AS INTEGER)]",
        "CREATE TABLE patient AS SELECT pid(i) AS person_id, CASE WHEN rnd(i, 1) < 0.49 THEN 'M' ELSE 'F' END AS sex, "
            + "DATE '1930-01-01' + CAST(floor(rnd(i, 2) * 32000) AS INTEGER) AS birth_date, "
            + "pick(['北海道','青森県','宮城県','東京都','神奈川県','埼玉県','千葉県','愛知県','大阪府','兵庫県','京都府','広島県','福岡県','沖縄県'], i, 4) AS prefecture "
            + "FROM range(" + n + ") t(i)",
        "CREATE TABLE registration AS SELECT pid(i) AS person_id, printf('F%04d', CAST(floor(rnd(i, 5) * 200) AS INTEGER)) AS facility_id, "
            + "DATE '2015-01-01' + CAST(floor(rnd(i, 6) * 1000) AS INTEGER) AS first_seen FROM range(" + n + ") t(i)",
        "CREATE TABLE encounter AS SELECT e AS encounter_id, pid(e % " + n + ") AS person_id, "
            + "printf('F%04d', CAST(floor(rnd(e % " + n + ", 5) * 200) AS INTEGER)) AS facility_id, "
            + "CASE WHEN rnd(e, 7) < 0.2 THEN 'inpatient' ELSE 'outpatient' END AS encounter_type, "
            + "pick(['内科','外科','循環器内科','糖尿病内科','呼吸器内科','整形外科','小児科'], e, 8) AS department, "
            + "admit(e) AS admit_date, "
            + "admit(e) + CASE WHEN rnd(e, 7) < 0.2 THEN 1 + CAST(floor(rnd(e, 9) * 20) AS INTEGER) ELSE 0 END AS discharge_date "
            + "FROM range(" + enc + ") t(e)",
        "CREATE TABLE diagnosis AS SELECT d AS diagnosis_id, pid(d % " + n + ") AS person_id, d AS encounter_id, "
            + "code[1] AS icd10, code[2] AS diagnosis_name, admit(d) AS diagnosis_date, rnd(d, 11) < 0.4 AS is_main FROM ("
            + "SELECT d, pick([['E11.9','2型糖尿病'],['I10','本態性高血圧症'],['I50.9','心不全'],['J18.9','肺炎'],['N18.3','慢性腎臓病'],"
            + "['C34.9','肺癌'],['E78.5','脂質異常症'],['I21.9','急性心筋梗塞'],['J45.9','喘息'],['M81.0','骨粗鬆症'],['K21.9','逆流性食道炎'],"
            + "['F32.9','うつ病'],['E10.9','1型糖尿病'],['I63.9','脳梗塞'],['E13.9','膵島細胞症']], d, 10) AS code FROM range(" + n * 4 + ") t(d))",
        "CREATE TABLE medication AS SELECT m AS medication_id, pid((m % " + enc + ") % " + n + ") AS person_id, m % " + enc + " AS encounter_id, "
            + "CASE WHEN rnd(m, 12) < 0.85 THEN 'oral' ELSE 'injection' END AS route, drug[1] AS drug_code, drug[2] AS drug_name, "
            + "round(1 + rnd(m, 13) * 99, 1) AS dose, drug[3] AS unit, CAST(1 + floor(rnd(m, 14) * 90) AS INTEGER) AS days, "
            + "admit(m % " + enc + ") + CAST(floor(rnd(m, 15) * 30) AS INTEGER) AS order_date FROM ("
            + "SELECT m, pick([['3969007','メトホルミン','mg'],['2492415','インスリン','単位'],['2171022','アムロジピン','mg'],"
            + "['2189016','アトルバスタチン','mg'],['1149019','ロキソプロフェン','mg'],['6132016','セファゾリン','g'],"
            + "['2329023','ランソプラゾール','mg'],['3399007','アスピリン','mg'],['2139005','フロセミド','mg'],['3962002','シタグリプチン','mg']], m, 16) AS drug "
            + "FROM range(" + n * 8 + ") t(m))",
        "CREATE TABLE lab_result AS SELECT l AS lab_id, pid((l % " + enc + ") % " + n + ") AS person_id, l % " + enc + " AS encounter_id, "
            + "lab[1] AS lab_code, lab[2] AS lab_name, round(CAST(lab[3] AS DOUBLE) * (0.6 + rnd(l, 18) * 0.9), 2) AS value, lab[4] AS unit, "
            + "admit(l % " + enc + ") + CAST(floor(rnd(l, 19) * 60) AS INTEGER) AS sampled_date FROM ("
            + "SELECT l, pick([['3D046','HbA1c','6.5','%'],['3C015','Creatinine','0.9','mg/dL'],['3C016','eGFR','70','mL/min'],"
            + "['3F077','LDL-C','120','mg/dL'],['3D010','Glucose','110','mg/dL'],['2A990','WBC','6.5','10^3/uL'],"
            + "['2A030','Hb','13.5','g/dL'],['5C070','CRP','0.5','mg/dL']], l, 17) AS lab FROM range(" + n * 10 + ") t(l))",
        "CREATE TABLE vital_sign AS SELECT v AS vital_id, pid((v % " + enc + ") % " + n + ") AS person_id, v % " + enc + " AS encounter_id, "
            + "admit(v % " + enc + ") AS measured_date, round(145 + rnd(v, 20) * 40, 1) AS height_cm, round(40 + rnd(v, 21) * 50, 1) AS weight_kg, "
            + "CAST(100 + floor(rnd(v, 22) * 60) AS INTEGER) AS systolic_bp, CAST(60 + floor(rnd(v, 23) * 35) AS INTEGER) AS diastolic_bp "
            + "FROM range(" + n * 2 + ") t(v)",
        "CREATE TABLE allergy AS SELECT a AS allergy_id, pid(CAST(floor(rnd(a, 24) * " + n + ") AS BIGINT)) AS person_id, "
            + "al[1] AS allergen_code, al[2] AS allergen_name, pick(['mild','moderate','severe'], a, 26) AS severity, "
            + "DATE '2016-01-01' + CAST(floor(rnd(a, 27) * 3000) AS INTEGER) AS recorded_date FROM ("
            + "SELECT a, pick([['A001','ペニシリン'],['A002','卵'],['A003','そば'],['A004','造影剤']], a, 25) AS al FROM range(" + Math.max(1, n * 3 / 10) + ") t(a))",
        "CREATE TABLE dpc_admission AS SELECT row_number() OVER (ORDER BY encounter_id) AS dpc_id, person_id, encounter_id, facility_id, "
            + "admit_date, discharge_date, pick(['E11.9','I50.9','J18.9','I21.9','C34.9','I63.9'], encounter_id, 28) AS main_icd10, "
            + "printf('%06d', CAST(floor(rnd(encounter_id, 29) * 999999) AS INTEGER)) AS dpc_code, "
            + "pick(['軽快','治癒','不変','死亡'], encounter_id, 30) AS discharge_outcome, "
            + "CAST(discharge_date - admit_date AS INTEGER) AS los_days FROM encounter WHERE encounter_type = 'inpatient'",
        "CREATE TABLE clinical_note AS SELECT k AS note_id, pid(k % " + n + ") AS person_id, k AS encounter_id, admit(k) AS note_date, "
            + "pick(['経過記録','退院サマリ','紹介状'], k, 31) AS note_type, "
            + "pick(['血糖コントロール不良。食事指導を継続。','呼吸苦あり、胸部X線で浸潤影。','退院後外来フォロー予定。','疼痛軽快、リハビリ継続。'], k, 32) AS text "
            + "FROM range(" + n + ") t(k)",
        "DROP MACRO pick", "DROP MACRO admit", "DROP MACRO pid", "DROP MACRO rnd");
  }
}
