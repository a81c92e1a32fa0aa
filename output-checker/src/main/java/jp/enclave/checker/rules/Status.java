package jp.enclave.checker.rules;

import java.util.Locale;

/** Verdicts, ordered so that the worst wins: fail > review > pass. */
public enum Status {
  PASS, REVIEW, FAIL;

  public Status worst(Status other) {
    return other.ordinal() > ordinal() ? other : this;
  }

  /** The lower-case word ACRO writes into results.json. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Status parse(String s, String key) {
    for (Status st : values()) {
      if (st.word().equalsIgnoreCase(s == null ? "" : s.trim())) {
        return st;
      }
    }
    throw new IllegalArgumentException(key + " must be pass, review or fail, not '" + s + "'");
  }
}
