package jp.enclave.pseudonymizer.source;

/** The closed code lists a source column is checked against (reference tables in the staging DB). */
public enum CodeList {
  HOSPITAL("ref_hospital"),
  SEX("ref_sex"),
  ICD10("ref_icd10"),
  DRUG("ref_drug"),
  LAB("ref_lab"),
  ALLERGEN("ref_allergen"),
  ENCOUNTER_TYPE("ref_encounter_type"),
  ROUTE("ref_route");

  private final String table;

  CodeList(String table) {
    this.table = table;
  }

  /** Staging table with one column {@code code}. */
  public String table() {
    return table;
  }
}
