package jp.enclave.pseudonymizer.store;

import static jp.enclave.pseudonymizer.db.Duck.exec;
import static jp.enclave.pseudonymizer.db.Duck.literal;
import static jp.enclave.pseudonymizer.db.Duck.queryLong;

import com.google.crypto.tink.prf.Prf;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Collectors;
import jp.enclave.pseudonymizer.db.PipelineException;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.SealedFiles;
import com.google.crypto.tink.StreamingAead;
import org.duckdb.DuckDBAppender;

/**
 * Builds the pseudonymized store (仮名加工医療情報) from staging: every linked person gets a keyed
 * pseudonym, identifying columns are dropped, record keys become store surrogates, and names and
 * phone numbers are scrubbed from notes. Dates, exact values and rare diagnoses are kept, as the
 * law allows for pseudonymized data. The correspondence table (pseudonym → hospital, local
 * patient ID, source record keys) is written sealed under its own key; the store holds nothing
 * that opens it.
 */
public final class StoreBuilder {
  /** Associated data of the sealed correspondence table. */
  public static final byte[] CORRESPONDENCE_CONTEXT = "enclave-correspondence:v1".getBytes(StandardCharsets.UTF_8);

  public record Result(long persons, Map<StoreTable, Long> rows, long correspondenceRows) {
    public long totalRows() {
      return rows.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private StoreBuilder() {}

  /**
   * @param staging connection to the staging database after ingest and linkage
   * @param pseudonymKey PRF that turns a person's canonical registration into its pseudonym
   * @param correspondenceKey seals the correspondence table
   */
  public static Result build(Connection staging, Path storeFile, Prf pseudonymKey, StreamingAead correspondenceKey,
      Path sealedCorrespondence) {
    try {
      Files.deleteIfExists(storeFile);
      Files.createDirectories(storeFile.toAbsolutePath().getParent());
    } catch (java.io.IOException e) {
      throw new PipelineException("cannot prepare store file " + storeFile + ": " + e.getMessage(), e);
    }
    long persons = pseudonyms(staging, pseudonymKey);
    exec(staging, "ATTACH " + literal(storeFile) + " AS store");
    Map<StoreTable, Long> rows = new EnumMap<>(StoreTable.class);
    try {
      for (StoreTable t : StoreTable.values()) {
        exec(staging, "CREATE TABLE store." + t.tableName() + " AS " + select(t));
        rows.put(t, queryLong(staging, "SELECT count(*) FROM store." + t.tableName()));
      }
    } finally {
      exec(staging, "DETACH store");
    }
    long correspondence = sealCorrespondence(staging, correspondenceKey, sealedCorrespondence);
    return new Result(persons, rows, correspondence);
  }

  /** One pseudonym per linked person: PRF of its canonical (first) registration. */
  private static long pseudonyms(Connection c, Prf prf) {
    exec(c, "CREATE OR REPLACE TABLE person_pseudonym (cluster INTEGER, person_id VARCHAR)");
    long n = 0;
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT k.cluster, i.hospital_id, i.patient_id FROM "
            + "(SELECT DISTINCT cluster FROM link_cluster_ids) k JOIN link_input i ON i.rid = k.cluster");
        DuckDBAppender app = jp.enclave.pseudonymizer.db.Duck.appender(c, "person_pseudonym")) {
      while (r.next()) {
        app.beginRow().append(r.getInt(1)).append(personPseudonym(prf, r.getString(2), r.getString(3))).endRow();
        n++;
      }
    } catch (SQLException | GeneralSecurityException e) {
      throw new PipelineException("cannot derive pseudonyms: " + e.getMessage(), e);
    }
    exec(c, "CREATE OR REPLACE TABLE person_map AS SELECT k.rid + 1 AS reg, p.person_id "
        + "FROM link_cluster_ids k JOIN person_pseudonym p USING (cluster)");
    return n;
  }

  /** The store pseudonym of the person whose canonical registration is (hospital, local patient ID). */
  public static String personPseudonym(Prf prf, String hospitalId, String patientId) throws GeneralSecurityException {
    return pseudonym("P", prf, (hospitalId + "\u0000" + patientId).getBytes(StandardCharsets.UTF_8));
  }

  /** A prefix and 16 hex digits (64 bits) of PRF output. */
  public static String pseudonym(String prefix, Prf prf, byte[] input) throws GeneralSecurityException {
    return prefix + HexFormat.of().withUpperCase().formatHex(prf.compute(input, 8));
  }

  /**
   * The store table's rows. Record IDs are surrogates fixed at ingest: the registration's dense
   * {@code _sid}, or the accepted row's {@code rowid} (stable: staging tables are never rewritten
   * after their rejected rows are deleted), so the store and the correspondence table agree.
   */
  private static String select(StoreTable t) {
    String from = " FROM src_" + t.source() + " s JOIN person_map pm ON pm.reg = s." + registration(t);
    return switch (t) {
      case PATIENT -> "SELECT pm.person_id, arg_min(s.sex, s._sid) AS sex, arg_min(s.birth_date, s._sid) AS birth_date, "
          + "arg_min(s.prefecture, s._sid) AS prefecture FROM src_patients s JOIN person_map pm ON pm.reg = s._sid "
          + "GROUP BY pm.person_id";
      case REGISTRATION -> "SELECT pm.person_id, s.hospital_id AS facility_id, f.first_seen" + from
          + " LEFT JOIN (SELECT _reg, min(admit_date) AS first_seen FROM src_encounters GROUP BY _reg) f "
          + "ON f._reg = s._sid";
      case ENCOUNTER -> "SELECT (s.rowid + 1) AS encounter_id, pm.person_id, s.hospital_id AS facility_id, s.encounter_type, "
          + "s.department, s.admit_date, s.discharge_date" + from;
      case DIAGNOSIS -> "SELECT (s.rowid + 1) AS diagnosis_id, pm.person_id, s._enc AS encounter_id, s.icd10, "
          + "s.diagnosis_name, s.diagnosis_date, s.is_main" + from;
      case MEDICATION -> "SELECT (s.rowid + 1) AS medication_id, pm.person_id, s._enc AS encounter_id, s.route, "
          + "s.drug_code, s.drug_name, s.dose, s.unit, s.days, s.order_date" + from;
      case LAB_RESULT -> "SELECT (s.rowid + 1) AS lab_id, pm.person_id, s._enc AS encounter_id, s.lab_code, "
          + "s.lab_name, s.value, s.unit, s.sampled_date" + from;
      case VITAL_SIGN -> "SELECT (s.rowid + 1) AS vital_id, pm.person_id, s._enc AS encounter_id, s.measured_date, "
          + "s.height_cm, s.weight_kg, s.systolic_bp, s.diastolic_bp" + from;
      case ALLERGY -> "SELECT (s.rowid + 1) AS allergy_id, pm.person_id, s.allergen_code, s.allergen_name, "
          + "s.severity, s.recorded_date" + from;
      case DPC_ADMISSION -> "SELECT (s.rowid + 1) AS dpc_id, pm.person_id, s._enc AS encounter_id, "
          + "s.hospital_id AS facility_id, s.admit_date, s.discharge_date, s.main_icd10, s.dpc_code, "
          + "s.discharge_outcome, CAST(date_diff('day', s.admit_date, s.discharge_date) AS INTEGER) AS los_days" + from;
      case CLINICAL_NOTE -> "SELECT (s.rowid + 1) AS note_id, pm.person_id, s._enc AS encounter_id, s.note_date, "
          + "s.note_type, " + NoteScrubber.sql("s.text", "n") + " AS text" + from
          + " JOIN src_patients n ON n._sid = s._reg";
    };
  }

  /** Which surrogate of the source row names its registration. */
  private static String registration(StoreTable t) {
    return t == StoreTable.PATIENT || t == StoreTable.REGISTRATION ? "_sid" : "_reg";
  }

  /** The source record key column of each store table's source. */
  private static String sourceKey(StoreTable t) {
    return jp.enclave.pseudonymizer.source.SourceTable.valueOf(switch (t) {
      case REGISTRATION -> "PATIENT";
      case LAB_RESULT -> "LAB";
      case VITAL_SIGN -> "VITAL";
      case DPC_ADMISSION -> "DPC";
      case CLINICAL_NOTE -> "NOTE";
      default -> t.name();
    }).recordKey();
  }

  /** Writes the correspondence table as Parquet in RAM scratch, seals it, and lets the plaintext go. */
  private static long sealCorrespondence(Connection c, StreamingAead key, Path sealed) {
    String union = java.util.Arrays.stream(StoreTable.values()).filter(t -> t != StoreTable.PATIENT)
        .map(t -> "SELECT pm.person_id, " + literal(t.tableName()) + " AS store_table, "
            + (t.idColumn().isPresent() ? "(s.rowid + 1)" : "NULL::BIGINT") + " AS store_record_id, s.hospital_id, "
            + "s.patient_id, s." + sourceKey(t) + " AS source_record_key FROM src_" + t.source()
            + " s JOIN person_map pm ON pm.reg = s." + registration(t))
        .collect(Collectors.joining(" UNION ALL "));
    try (PrivateScratch scratch = PrivateScratch.create("correspondence")) {
      Path plain = scratch.resolve("correspondence.parquet");
      exec(c, "COPY (" + union + ") TO " + literal(plain) + " (FORMAT parquet)");
      long rows = queryLong(c, "SELECT count(*) FROM read_parquet(" + literal(plain) + ")");
      Files.deleteIfExists(sealed);
      SealedFiles.seal(plain, sealed, key, CORRESPONDENCE_CONTEXT);
      return rows;
    } catch (java.io.IOException e) {
      throw new PipelineException("cannot replace sealed correspondence table " + sealed + ": " + e.getMessage(), e);
    }
  }
}
