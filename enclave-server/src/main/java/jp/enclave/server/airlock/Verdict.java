package jp.enclave.server.airlock;

import java.util.Locale;

/** The output checker's verdict on an item (its exit-code order: pass < review < fail). */
public enum Verdict {
  PASS, REVIEW, FAIL;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Verdict parse(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
