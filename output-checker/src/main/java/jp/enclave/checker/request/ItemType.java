package jp.enclave.checker.request;

import java.util.Locale;

/** What the researcher declares an export item to be. The declaration selects the rules. */
public enum ItemType {
  FREQUENCY("frequency", "table"),
  MAGNITUDE("magnitude", "table"),
  REGRESSION("regression", "regression"),
  SURVIVAL("survival", "survival table"),
  FIGURE("figure", "figure"),
  CODE("code", "custom"),
  TEXT("text", "custom");

  private final String declared;
  private final String acroType;

  ItemType(String declared, String acroType) {
    this.declared = declared;
    this.acroType = acroType;
  }

  public String declared() { return declared; }

  /** The "type" ACRO writes into results.json for this kind of output. */
  public String acroType() { return acroType; }

  public boolean isTable() { return this == FREQUENCY || this == MAGNITUDE; }

  public static ItemType parse(String s) {
    if (s != null) {
      String k = s.trim().toLowerCase(Locale.ROOT);
      for (ItemType t : values()) {
        if (t.declared.equals(k)) {
          return t;
        }
      }
    }
    return null;
  }
}
