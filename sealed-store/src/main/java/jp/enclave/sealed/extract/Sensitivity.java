package jp.enclave.sealed.extract;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Column labels shared by the data holder (who assigns them) and the query side (whose policies
 * read them). A closed vocabulary: a policy can be written against every value.
 */
public enum Sensitivity {
  /** The per-project person pseudonym. */
  PSEUDONYM,
  /** Demographics that narrow down a person: sex, birth date, prefecture. */
  QUASI_IDENTIFIER,
  /** Codes, dates and measurements of care. */
  CLINICAL,
  /** Clinicians' free text, scrubbed but still the riskiest column: onsite only by default. */
  FREE_TEXT,
  /** Which hospital a record came from. */
  FACILITY;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
