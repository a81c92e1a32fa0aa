package jp.enclave.pseudonymizer.source;

import static jp.enclave.pseudonymizer.source.Column.bool;
import static jp.enclave.pseudonymizer.source.Column.code;
import static jp.enclave.pseudonymizer.source.Column.date;
import static jp.enclave.pseudonymizer.source.Column.decimal;
import static jp.enclave.pseudonymizer.source.Column.integer;
import static jp.enclave.pseudonymizer.source.Column.key;
import static jp.enclave.pseudonymizer.source.Column.optionalDate;
import static jp.enclave.pseudonymizer.source.Column.requiredText;
import static jp.enclave.pseudonymizer.source.Column.text;

import java.util.List;

/**
 * The source files a creating business receives, SS-MIX2-like, one CSV per kind of record with
 * every hospital's rows together. Each row names its hospital and the hospital-local patient ID;
 * the third column is the row's own source record key. This table is the single place where
 * the source layout and its validation rules live.
 */
public enum SourceTable {
  PATIENT("patients", List.of(
      code("hospital_id", CodeList.HOSPITAL), key("patient_id"), requiredText("name_kanji"),
      requiredText("name_kana"), code("sex", CodeList.SEX), date("birth_date"), text("postal_code"),
      requiredText("prefecture"), text("city"), text("address_line"), text("phone"), text("insurance_no"))),
  ALLERGY("allergies", List.of(
      code("hospital_id", CodeList.HOSPITAL), key("patient_id"), key("allergy_id"),
      code("allergen_code", CodeList.ALLERGEN), text("allergen_name"), text("severity"), date("recorded_date"))),
  ENCOUNTER("encounters", List.of(
      code("hospital_id", CodeList.HOSPITAL), key("patient_id"), key("encounter_id"),
      code("encounter_type", CodeList.ENCOUNTER_TYPE), text("department"), date("admit_date"),
      optionalDate("discharge_date"))),
  DIAGNOSIS("diagnoses", List.of(
      code("hospital_id", CodeList.HOSPITAL), key("patient_id"), key("diagnosis_id"), text("encounter_id"),
      code("icd10", CodeList.ICD10), text("diagnosis_name"), date("diagnosis_date"), bool("is_main"))),
  MEDICATION("medications", List.of(
      code("hospital_id", CodeList.HOSPITAL), key("patient_id"), key("order_id"), text("encounter_id"),
      code("route", CodeList.ROUTE), code("drug_code", CodeList.DRUG), text("drug_name"), decimal("dose"),
      text("unit"), integer("days"), date("order_date"))),
  LAB("labs", List.of(
      code("hospital_id", CodeList.HOSPITAL), key("patient_id"), key("lab_id"), text("encounter_id"),
      code("lab_code", CodeList.LAB), text("lab_name"), decimal("value"), text("unit"), date("sampled_date"))),
  VITAL("vitals", List.of(
      code("hospital_id", CodeList.HOSPITAL), key("patient_id"), key("vital_id"), text("encounter_id"),
      date("measured_date"), decimal("height_cm"), decimal("weight_kg"), integer("systolic_bp"),
      integer("diastolic_bp"))),
  DPC("dpc", List.of(
      code("hospital_id", CodeList.HOSPITAL), key("patient_id"), key("dpc_id"), text("encounter_id"),
      date("admit_date"), date("discharge_date"), code("main_icd10", CodeList.ICD10), text("dpc_code"),
      text("discharge_outcome"))),
  NOTE("notes", List.of(
      code("hospital_id", CodeList.HOSPITAL), key("patient_id"), key("note_id"), text("encounter_id"),
      date("note_date"), text("note_type"), text("text")));

  private final String fileStem;
  private final List<Column> columns;

  SourceTable(String fileStem, List<Column> columns) {
    this.fileStem = fileStem;
    this.columns = columns;
  }

  public String fileName() {
    return fileStem + ".csv";
  }

  /** Name of the staging tables for this source. */
  public String stem() {
    return fileStem;
  }

  public List<Column> columns() {
    return columns;
  }

  /** The row's own source record key (the patient ID for the patients file). */
  public String recordKey() {
    return columns.get(this == PATIENT ? 1 : 2).name();
  }

  public List<String> header() {
    return columns.stream().map(Column::name).toList();
  }
}
