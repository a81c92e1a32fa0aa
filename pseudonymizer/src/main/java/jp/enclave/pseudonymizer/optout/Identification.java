package jp.enclave.pseudonymizer.optout;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import jp.enclave.pseudonymizer.source.Reference;

/**
 * How an opt-out request names the person, as a hospital would: its hospital code and local
 * patient ID, or name (kanji), reading (kana), birth date and sex. Either form is linked to the
 * person through the same linkage as the records, so one hospital's ID reaches every hospital.
 */
public record Identification(String hospitalId, String patientId, String nameKanji, String nameKana,
    LocalDate birthDate, String sex) {

  public static Identification byHospitalId(String hospitalId, String patientId) {
    return new Identification(strip(hospitalId), strip(patientId), null, null, null, null);
  }

  private static String strip(String s) {
    return s == null ? null : s.strip();
  }

  public static Identification byDemographics(String nameKanji, String nameKana, LocalDate birthDate, String sex) {
    return new Identification(null, null, nameKanji, nameKana, birthDate, sex);
  }

  public boolean byHospital() {
    return hospitalId != null || patientId != null;
  }

  /** Every reason this identification cannot be recorded; empty when it can. */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    boolean demographic = nameKanji != null || nameKana != null || birthDate != null || sex != null;
    if (byHospital() == demographic) {
      out.add("name the person either by hospital code and local patient ID, or by name, kana, birth date and sex"
          + " (not both, not neither)");
      return out;
    }
    if (byHospital()) {
      if (hospitalId == null || Reference.get().hospitals().stream().noneMatch(h -> h.id().equals(hospitalId))) {
        out.add("hospital code '" + hospitalId + "' is not a known hospital");
      }
      if (patientId == null || patientId.isBlank()) {
        out.add("local patient ID is missing");
      }
      return out;
    }
    if (nameKanji == null || nameKanji.isBlank()) {
      out.add("name (kanji) is missing");
    }
    if (nameKana == null || nameKana.isBlank()) {
      out.add("name (kana) is missing");
    }
    if (birthDate == null) {
      out.add("birth date is missing");
    }
    if (!"M".equals(sex) && !"F".equals(sex)) {
      out.add("sex must be M or F, is '" + sex + "'");
    }
    return out;
  }
}
