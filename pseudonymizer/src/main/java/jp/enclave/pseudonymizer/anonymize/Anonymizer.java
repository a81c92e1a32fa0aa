package jp.enclave.pseudonymizer.anonymize;

import static jp.enclave.pseudonymizer.db.Duck.exec;
import static jp.enclave.pseudonymizer.db.Duck.literal;

import com.google.crypto.tink.prf.Prf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import jp.enclave.pseudonymizer.db.Duck;
import jp.enclave.pseudonymizer.db.PipelineException;
import jp.enclave.pseudonymizer.store.StoreBuilder;
import org.duckdb.DuckDBAppender;

/**
 * The anonymized profile (匿名加工医療情報), the contrast the seeds draw with pseudonymized data:
 * new IDs unrelated to the store's, every date of a person shifted by the same secret number of
 * days, birth date to year/month, weight in 5 kg bands, systolic pressure top-coded at 201,
 * diagnoses held by fewer than k persons replaced by その他, free text dropped.
 */
public final class Anonymizer {
  public static final String OTHER = "その他";

  /** Rules of the profile; defaults follow the seeds' example. */
  public record Profile(int k, int maxShiftDays, int weightBand, int systolicTopCode) {
    public static final Profile DEFAULT = new Profile(10, 10, 5, 201);
  }

  private Anonymizer() {}

  public static KAnonymity.Report build(Path storeFile, Path outFile, Prf key, Profile profile) {
    try {
      Files.createDirectories(outFile.toAbsolutePath().getParent());
      Files.deleteIfExists(outFile);
    } catch (IOException e) {
      throw new PipelineException("cannot prepare " + outFile + ": " + e.getMessage(), e);
    }
    try (Connection c = Duck.open(outFile)) {
      exec(c, "ATTACH " + literal(storeFile) + " AS store (READ_ONLY)");
      personKeys(c, key, profile);
      String shift = "(d + INTERVAL (a.shift_days) DAY)::DATE";
      exec(c, "CREATE TABLE patient AS SELECT a.anon_id AS id, p.sex, strftime(p.birth_date, '%Y/%-m') AS birth_ym, "
          + "p.prefecture FROM store.patient p JOIN anon_key a USING (person_id)");
      exec(c, "CREATE TEMP TABLE rare AS SELECT icd10 FROM store.diagnosis GROUP BY icd10 "
          + "HAVING count(DISTINCT person_id) < " + profile.k());
      exec(c, "CREATE TABLE diagnosis AS SELECT a.anon_id AS id, "
          + "CASE WHEN d.icd10 IN (SELECT icd10 FROM rare) THEN '" + OTHER + "' ELSE d.icd10 END AS icd10, "
          + "CASE WHEN d.icd10 IN (SELECT icd10 FROM rare) THEN '" + OTHER + "' ELSE d.diagnosis_name END AS diagnosis_name, "
          + shift.replace("d +", "d.diagnosis_date +") + " AS diagnosis_date, d.is_main, d.encounter_id AS visit "
          + "FROM store.diagnosis d JOIN anon_key a USING (person_id)");
      int band = profile.weightBand();
      exec(c, "CREATE TABLE vital_sign AS SELECT a.anon_id AS id, "
          + shift.replace("d +", "v.measured_date +") + " AS measured_date, "
          + "CAST(floor(v.weight_kg / " + band + ") * " + band + " AS INTEGER) || '～' || "
          + "CAST(floor(v.weight_kg / " + band + ") * " + band + " + " + band + " AS INTEGER) AS weight_band, "
          + "CASE WHEN v.systolic_bp >= " + profile.systolicTopCode() + " THEN '" + profile.systolicTopCode()
          + "以上' ELSE CAST(v.systolic_bp AS VARCHAR) END AS systolic_bp, v.encounter_id AS visit "
          + "FROM store.vital_sign v JOIN anon_key a USING (person_id)");
      exec(c, "DROP TABLE anon_key");
      exec(c, "DETACH store");
      return kAnonymity(c, profile.k());
    } catch (SQLException e) {
      throw new PipelineException("anonymization failed: " + e.getMessage(), e);
    }
  }

  /** Per person: an ID unlinkable to the pseudonym, and a shift in ±maxShift days, never 0. */
  private static void personKeys(Connection c, Prf key, Profile profile) throws SQLException {
    exec(c, "CREATE TABLE anon_key (person_id VARCHAR, anon_id VARCHAR, shift_days INTEGER)");
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT person_id FROM store.patient");
        DuckDBAppender app = jp.enclave.pseudonymizer.db.Duck.appender(c, "anon_key")) {
      while (r.next()) {
        String p = r.getString(1);
        byte[] in = p.getBytes(StandardCharsets.UTF_8);
        byte[] s1 = key.compute(("shift:" + p).getBytes(StandardCharsets.UTF_8), 4);
        int m = profile.maxShiftDays();
        int shift = Math.floorMod(java.nio.ByteBuffer.wrap(s1).getInt(), 2 * m) - m;
        app.beginRow().append(p).append(StoreBuilder.pseudonym("A", key, in)).append(shift >= 0 ? shift + 1 : shift)
            .endRow();
      }
    } catch (GeneralSecurityException e) {
      throw new PipelineException("cannot derive anonymized IDs: " + e.getMessage(), e);
    }
  }

  private static KAnonymity.Report kAnonymity(Connection c, int k) throws SQLException {
    Map<String, Long> sizes = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
        "SELECT sex || '|' || birth_ym || '|' || prefecture, count(*) FROM patient GROUP BY ALL")) {
      while (r.next()) {
        sizes.put(r.getString(1), r.getLong(2));
      }
    }
    return new KAnonymity(k).evaluate(sizes);
  }
}
