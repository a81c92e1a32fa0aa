package jp.enclave.pseudonymizer.source;

/** One source column: its name, its kind, whether it may be empty, and its code list if any. */
public record Column(String name, Kind kind, boolean required, CodeList codes) {
  /** What a value of the column must look like; each kind has one validation rule. */
  public enum Kind {
    KEY, TEXT, DATE, DECIMAL, INTEGER, CODE, BOOLEAN
  }

  public static Column key(String name) {
    return new Column(name, Kind.KEY, true, null);
  }

  public static Column text(String name) {
    return new Column(name, Kind.TEXT, false, null);
  }

  public static Column requiredText(String name) {
    return new Column(name, Kind.TEXT, true, null);
  }

  public static Column date(String name) {
    return new Column(name, Kind.DATE, true, null);
  }

  public static Column optionalDate(String name) {
    return new Column(name, Kind.DATE, false, null);
  }

  public static Column decimal(String name) {
    return new Column(name, Kind.DECIMAL, false, null);
  }

  public static Column integer(String name) {
    return new Column(name, Kind.INTEGER, false, null);
  }

  public static Column bool(String name) {
    return new Column(name, Kind.BOOLEAN, true, null);
  }

  public static Column code(String name, CodeList codes) {
    return new Column(name, Kind.CODE, true, codes);
  }
}
