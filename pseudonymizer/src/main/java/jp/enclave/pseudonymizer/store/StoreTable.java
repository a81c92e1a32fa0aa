package jp.enclave.pseudonymizer.store;

import static jp.enclave.sealed.extract.Sensitivity.CLINICAL;
import static jp.enclave.sealed.extract.Sensitivity.FACILITY;
import static jp.enclave.sealed.extract.Sensitivity.FREE_TEXT;
import static jp.enclave.sealed.extract.Sensitivity.PSEUDONYM;
import static jp.enclave.sealed.extract.Sensitivity.QUASI_IDENTIFIER;

import java.util.List;
import java.util.Optional;
import jp.enclave.sealed.extract.Sensitivity;

/**
 * The pseudonymized store's tables: columns, DuckDB types and sensitivity labels, the source each
 * is built from, and which date places a row in a project's period. Names, readings, addresses
 * below prefecture, phones, insurance numbers and hospital-local IDs have no column here: they
 * never leave staging. Record IDs are store surrogates; the correspondence table maps them back.
 */
public enum StoreTable {
  PATIENT(null, null, List.of(
      col("person_id", "VARCHAR", PSEUDONYM), col("sex", "VARCHAR", QUASI_IDENTIFIER),
      col("birth_date", "DATE", QUASI_IDENTIFIER), col("prefecture", "VARCHAR", QUASI_IDENTIFIER))),
  REGISTRATION("patients", "first_seen", List.of(
      col("person_id", "VARCHAR", PSEUDONYM), col("facility_id", "VARCHAR", FACILITY),
      col("first_seen", "DATE", CLINICAL))),
  ENCOUNTER("encounters", "admit_date", List.of(
      col("encounter_id", "BIGINT", CLINICAL), col("person_id", "VARCHAR", PSEUDONYM),
      col("facility_id", "VARCHAR", FACILITY), col("encounter_type", "VARCHAR", CLINICAL),
      col("department", "VARCHAR", CLINICAL), col("admit_date", "DATE", CLINICAL),
      col("discharge_date", "DATE", CLINICAL))),
  DIAGNOSIS("diagnoses", "diagnosis_date", List.of(
      col("diagnosis_id", "BIGINT", CLINICAL), col("person_id", "VARCHAR", PSEUDONYM),
      col("encounter_id", "BIGINT", CLINICAL), col("icd10", "VARCHAR", CLINICAL),
      col("diagnosis_name", "VARCHAR", CLINICAL), col("diagnosis_date", "DATE", CLINICAL),
      col("is_main", "BOOLEAN", CLINICAL))),
  MEDICATION("medications", "order_date", List.of(
      col("medication_id", "BIGINT", CLINICAL), col("person_id", "VARCHAR", PSEUDONYM),
      col("encounter_id", "BIGINT", CLINICAL), col("route", "VARCHAR", CLINICAL),
      col("drug_code", "VARCHAR", CLINICAL), col("drug_name", "VARCHAR", CLINICAL),
      col("dose", "DOUBLE", CLINICAL), col("unit", "VARCHAR", CLINICAL), col("days", "INTEGER", CLINICAL),
      col("order_date", "DATE", CLINICAL))),
  LAB_RESULT("labs", "sampled_date", List.of(
      col("lab_id", "BIGINT", CLINICAL), col("person_id", "VARCHAR", PSEUDONYM),
      col("encounter_id", "BIGINT", CLINICAL), col("lab_code", "VARCHAR", CLINICAL),
      col("lab_name", "VARCHAR", CLINICAL), col("value", "DOUBLE", CLINICAL), col("unit", "VARCHAR", CLINICAL),
      col("sampled_date", "DATE", CLINICAL))),
  VITAL_SIGN("vitals", "measured_date", List.of(
      col("vital_id", "BIGINT", CLINICAL), col("person_id", "VARCHAR", PSEUDONYM),
      col("encounter_id", "BIGINT", CLINICAL), col("measured_date", "DATE", CLINICAL),
      col("height_cm", "DOUBLE", CLINICAL), col("weight_kg", "DOUBLE", CLINICAL),
      col("systolic_bp", "INTEGER", CLINICAL), col("diastolic_bp", "INTEGER", CLINICAL))),
  ALLERGY("allergies", "recorded_date", List.of(
      col("allergy_id", "BIGINT", CLINICAL), col("person_id", "VARCHAR", PSEUDONYM),
      col("allergen_code", "VARCHAR", CLINICAL), col("allergen_name", "VARCHAR", CLINICAL),
      col("severity", "VARCHAR", CLINICAL), col("recorded_date", "DATE", CLINICAL))),
  DPC_ADMISSION("dpc", "admit_date", List.of(
      col("dpc_id", "BIGINT", CLINICAL), col("person_id", "VARCHAR", PSEUDONYM),
      col("encounter_id", "BIGINT", CLINICAL), col("facility_id", "VARCHAR", FACILITY),
      col("admit_date", "DATE", CLINICAL), col("discharge_date", "DATE", CLINICAL),
      col("main_icd10", "VARCHAR", CLINICAL), col("dpc_code", "VARCHAR", CLINICAL),
      col("discharge_outcome", "VARCHAR", CLINICAL), col("los_days", "INTEGER", CLINICAL))),
  CLINICAL_NOTE("notes", "note_date", List.of(
      col("note_id", "BIGINT", CLINICAL), col("person_id", "VARCHAR", PSEUDONYM),
      col("encounter_id", "BIGINT", CLINICAL), col("note_date", "DATE", CLINICAL),
      col("note_type", "VARCHAR", CLINICAL), col("text", "VARCHAR", FREE_TEXT)));

  public record StoreColumn(String name, String type, Sensitivity sensitivity) {}

  private final String source;
  private final String periodColumn;
  private final List<StoreColumn> columns;

  StoreTable(String source, String periodColumn, List<StoreColumn> columns) {
    this.source = source;
    this.periodColumn = periodColumn;
    this.columns = columns;
  }

  private static StoreColumn col(String name, String type, Sensitivity s) {
    return new StoreColumn(name, type, s);
  }

  public String tableName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Staging stem of the source rows (null for the per-person patient table). */
  String source() {
    return source;
  }

  /** The source file stem the table is built from (null for the per-person patient table). */
  public String sourceStem() {
    return source;
  }

  /** The date that puts a row inside or outside a project's period; none for patient. */
  public Optional<String> periodColumn() {
    return Optional.ofNullable(periodColumn);
  }

  public List<StoreColumn> columns() {
    return columns;
  }

  /** The surrogate record ID column, or empty for the per-person tables. */
  public Optional<String> idColumn() {
    String first = columns.get(0).name();
    return first.endsWith("_id") && !first.equals("person_id") ? Optional.of(first) : Optional.empty();
  }

  public static Optional<StoreTable> byName(String name) {
    for (StoreTable t : values()) {
      if (t.tableName().equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
