package jp.enclave.checker.table;

import java.math.BigDecimal;
import java.util.Set;

/** Parsing of numbers and missing markers as researchers write them in tables. */
public final class Numbers {
  private static final Set<String> MISSING = Set.of("", "na", "n/a", "nan", "null", "none", "-", "—", "–", ".", "..", "欠損", "不明");

  private Numbers() {}

  public static boolean isMissing(String s) {
    if (s == null) {
      return true;
    }
    if (s.length() > 6) {
      return false; // every marker is short; skip the lower-casing for ordinary cells
    }
    return MISSING.contains(s.strip().toLowerCase(java.util.Locale.ROOT));
  }

  /** The number in a cell, or NaN when the cell is not a number. Accepts 1,234 and full-width digits. */
  public static double parse(String s) {
    if (s == null) {
      return Double.NaN;
    }
    if (plainAscii(s)) {
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    String t = normalise(s);
    if (t.isEmpty()) {
      return Double.NaN;
    }
    char c0 = t.charAt(0);
    if (!(Character.isDigit(c0) || c0 == '-' || c0 == '+' || c0 == '.')) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** Digits after the decimal point as printed, so rounding in a file can be tolerated. */
  public static int decimals(String s) {
    String t = plainAscii(s) ? s : normalise(s);
    int e = Math.max(t.indexOf('e'), t.indexOf('E'));
    if (e >= 0) {
      t = t.substring(0, e);
    }
    int dot = t.indexOf('.');
    return dot < 0 ? 0 : t.length() - dot - 1;
  }

  /** A label value in canonical form: numbers without trailing zeros, text stripped. */
  public static String canonicalKey(String s) {
    if (isMissing(s)) {
      return "∅";
    }
    String t = s.strip();
    char c0 = t.charAt(0);
    if (!(Character.isDigit(c0) || c0 == '-' || c0 == '+' || c0 == '.' || (c0 >= '０' && c0 <= '９') || c0 == '－')) {
      return t; // text labels: no number parsing on the hot path
    }
    double d = parse(t);
    if (!Double.isNaN(d) && !Double.isInfinite(d)) {
      try {
        return new BigDecimal(normalise(t)).stripTrailingZeros().toPlainString();
      } catch (NumberFormatException e) {
        return t;
      }
    }
    return t;
  }

  // Fast path for the common case: digits, one sign, point and exponent only.
  private static boolean plainAscii(String s) {
    int n = s.length();
    if (n == 0 || n > 32) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || c == '.' || ((c == '-' || c == '+') && (i == 0 || s.charAt(i - 1) == 'e'
          || s.charAt(i - 1) == 'E')) || ((c == 'e' || c == 'E') && i > 0);
      if (!ok) {
        return false;
      }
    }
    char c0 = s.charAt(0);
    return c0 != 'e' && c0 != 'E' && !(n == 1 && (c0 == '-' || c0 == '+' || c0 == '.'));
  }

  private static String normalise(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '０' && c <= '９') {
        c = (char) ('0' + (c - '０'));
      } else if (c == '－') {
        c = '-';
      } else if (c == '．') {
        c = '.';
      }
      if (c == ',' || c == '，' || c == ' ' || c == '\u3000') {
        continue;
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
