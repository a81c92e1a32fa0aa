package jp.enclave.gateway.core;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Bound parameter values written as exact, typed SQL literals, for every front end (Flight SQL's
 * prepared statements, PostgreSQL's Bind): the gateway never hands parameters to DuckDB, the
 * whole pipeline runs on the text with the values written in. A value that cannot be written
 * exactly is refused: {@code GW-PARAMETER-TYPE} (NaN/infinity, nanoseconds, years outside 1–9999),
 * {@code GW-PARAMETER-VALUE} (control or invisible characters in a string).
 */
public final class SqlLiterals {
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

  private SqlLiterals() {}

  public static String integer(long v) {
    return signed(Long.toString(v));
  }

  public static String unsignedBigint(long v) {
    return Long.toUnsignedString(v);
  }

  /** Scientific notation makes DuckDB read a DOUBLE; a float widens to a double exactly. */
  public static String floating(double d, boolean single, int parameter) {
    if (!Double.isFinite(d)) {
      throw unsupported(parameter, "the value " + d + ", which has no SQL literal");
    }
    String text = Double.toString(Math.abs(d));
    String approx = signed((d < 0 || (d == 0 && 1 / d < 0) ? "-" : "") + (text.contains("E") ? text : text + "E0"));
    return single ? "CAST(" + approx + " AS REAL)" : approx;
  }

  public static String decimal(BigDecimal v) {
    return signed(v.toPlainString());
  }

  public static String bool(boolean v) {
    return v ? "TRUE" : "FALSE";
  }

  public static String string(String s, int parameter) {
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
        throw new GatewayRefusal(new Refusal("GW-PARAMETER-VALUE", 0, 0, String.format(
            "Parameter %d contains the invisible or control character U+%04X.", parameter, (int) c)),
            GatewayRefusal.Kind.INVALID_ARGUMENT);
      }
    }
    return "'" + s.replace("'", "''") + "'";
  }

  public static String date(LocalDate date, int parameter) {
    checkYear(date.getYear(), parameter);
    return "DATE '" + date + "'";
  }

  public static String timestamp(LocalDateTime t, int parameter) {
    if (t.getNano() % 1000 != 0) {
      throw unsupported(parameter, "a timestamp with nanoseconds (DuckDB keeps microseconds)");
    }
    checkYear(t.getYear(), parameter);
    return "TIMESTAMP '" + TIMESTAMP.format(t) + "'";
  }

  private static void checkYear(int year, int parameter) {
    if (year < 1 || year > 9999) {
      throw unsupported(parameter, "the year " + year + " (years 1 to 9999 only)");
    }
  }

  /** Negative numbers in parentheses, so that {@code x -?} never becomes a {@code --} comment. */
  private static String signed(String number) {
    return number.startsWith("-") ? "(" + number + ")" : number;
  }

  /** {@code GW-PARAMETER-TYPE}: parameter {@code parameter} is {@code what}, which cannot be written exactly. */
  public static GatewayRefusal unsupported(int parameter, String what) {
    return new GatewayRefusal(new Refusal("GW-PARAMETER-TYPE", 0, 0, "Parameter " + parameter + " is " + what
        + ", which the gateway cannot write into the query exactly; write the value into the query."),
        GatewayRefusal.Kind.INVALID_ARGUMENT);
  }
}
