package jp.enclave.server.airlock;

import java.util.Locale;

/**
 * What an export item is. Tables and figures (with their underlying table) and model summaries
 * carry statistics and must cite the gateway queries they came from; code and text may cite them.
 * {@link #checkerType} is the output checker's item type for it.
 */
public enum ItemType {
  TABLE(true), FIGURE(true), MODEL(true), CODE(false), TEXT(false);

  private final boolean citesQueries;

  ItemType(boolean citesQueries) {
    this.citesQueries = citesQueries;
  }

  public boolean citesQueries() {
    return citesQueries;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ItemType parse(String s) {
    for (ItemType t : values()) {
      if (t.wire().equals(s)) {
        return t;
      }
    }
    throw new IllegalArgumentException("type: '" + s + "' is not one of table, figure, model, code, text");
  }

  /** The output checker's type (request.json): tables by their kind, models as regression summaries. */
  public String checkerType(String tableKind) {
    return switch (this) {
      case TABLE -> tableKind;
      case FIGURE -> "figure";
      case MODEL -> "regression";
      case CODE -> "code";
      case TEXT -> "text";
    };
  }
}
