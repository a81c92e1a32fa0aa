package jp.enclave.gateway.pgwire;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Locale;
import jp.enclave.gateway.core.SqlLiterals;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Types both ways between DuckDB (as Arrow, and as the manifest's type names) and PostgreSQL:
 * OIDs, lengths and type modifiers for RowDescription; values in text and binary format for
 * DataRow; bound parameters (text or binary, by the OID the client declared) as exact SQL
 * literals ({@link SqlLiterals}). One table ({@link Type}) holds the mapping.
 */
final class PgTypes {
  /** The PostgreSQL types the gateway sends: OID, wire length, name as format_type() gives it. */
  enum Type {
    BOOL(16, 1, "boolean"),
    NAME(19, 64, "name"),
    INT8(20, 8, "bigint"),
    INT2(21, 2, "smallint"),
    INT4(23, 4, "integer"),
    TEXT(25, -1, "text"),
    OID(26, 4, "oid"),
    CHAR(18, 1, "\"char\""),
    FLOAT4(700, 4, "real"),
    FLOAT8(701, 8, "double precision"),
    VARCHAR(1043, -1, "character varying"),
    DATE(1082, 4, "date"),
    TIME(1083, 8, "time without time zone"),
    TIMESTAMP(1114, 8, "timestamp without time zone"),
    TIMESTAMPTZ(1184, 8, "timestamp with time zone"),
    INTERVAL(1186, 16, "interval"),
    NUMERIC(1700, -1, "numeric");

    private final int oid;
    private final short length;
    private final String sqlName;

    Type(int oid, int length, String sqlName) {
      this.oid = oid;
      this.length = (short) length;
      this.sqlName = sqlName;
    }

    int oid() {
      return oid;
    }

    short length() {
      return length;
    }

    String sqlName() {
      return sqlName;
    }

    /** pg_type.typname */
    String typname() {
      return switch (this) {
        case BOOL -> "bool";
        case CHAR -> "char";
        default -> name().toLowerCase(Locale.ROOT);
      };
    }

    static Type ofOid(int oid) {
      for (Type t : values()) {
        if (t.oid == oid) {
          return t;
        }
      }
      return null;
    }
  }

  /** One result column: name, type, type modifier (numeric precision/scale, else -1). */
  record Column(String name, Type type, int typmod) {
    static Column of(String name, Type type) {
      return new Column(name, type, -1);
    }
  }

  private PgTypes() {}

  /** The format of column {@code i} under the protocol's 0/1/n rule. */
  static short format(short[] formats, int i) {
    if (formats == null || formats.length == 0) {
      return 0;
    }
    return formats.length == 1 ? formats[0] : formats[i];
  }

  static int numericTypmod(int precision, int scale) {
    return ((precision << 16) | scale) + 4;
  }

  /** The PostgreSQL column for a DuckDB result column (Arrow type). */
  static Column ofArrow(String name, ArrowType t) {
    if (t instanceof ArrowType.Int i) {
      if (!i.getIsSigned()) {
        return Column.of(name, i.getBitWidth() <= 16 ? Type.INT4 : i.getBitWidth() == 32 ? Type.INT8 : Type.NUMERIC);
      }
      return Column.of(name, i.getBitWidth() <= 16 ? Type.INT2 : i.getBitWidth() == 32 ? Type.INT4 : Type.INT8);
    }
    if (t instanceof ArrowType.FloatingPoint f) {
      return Column.of(name, f.getPrecision() == FloatingPointPrecision.DOUBLE ? Type.FLOAT8 : Type.FLOAT4);
    }
    if (t instanceof ArrowType.Decimal d) {
      return new Column(name, Type.NUMERIC, numericTypmod(d.getPrecision(), d.getScale()));
    }
    if (t instanceof ArrowType.Bool) {
      return Column.of(name, Type.BOOL);
    }
    if (t instanceof ArrowType.Date) {
      return Column.of(name, Type.DATE);
    }
    if (t instanceof ArrowType.Timestamp ts) {
      return Column.of(name, ts.getTimezone() == null ? Type.TIMESTAMP : Type.TIMESTAMPTZ);
    }
    if (t instanceof ArrowType.Time) {
      return Column.of(name, Type.TIME);
    }
    if (t instanceof ArrowType.Interval || t instanceof ArrowType.Duration) {
      return Column.of(name, Type.INTERVAL);
    }
    return Column.of(name, Type.TEXT);
  }

  private static final java.util.regex.Pattern DECIMAL =
      java.util.regex.Pattern.compile("(?:DECIMAL|NUMERIC)\\s*\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\)");

  /** The PostgreSQL column for a manifest column (DuckDB's type name), as the catalog shows it. */
  static Column ofDuckDb(String name, String duckType) {
    String t = duckType.trim().toUpperCase(Locale.ROOT);
    java.util.regex.Matcher m = DECIMAL.matcher(t);
    if (m.matches()) {
      return new Column(name, Type.NUMERIC, numericTypmod(Integer.parseInt(m.group(1)),
          m.group(2) == null ? 0 : Integer.parseInt(m.group(2))));
    }
    Type type = switch (t) {
      case "BOOLEAN", "BOOL" -> Type.BOOL;
      case "TINYINT", "INT1", "SMALLINT", "INT2" -> Type.INT2;
      case "INTEGER", "INT", "INT4" -> Type.INT4;
      case "BIGINT", "INT8", "LONG" -> Type.INT8;
      case "HUGEINT" -> Type.NUMERIC;
      case "REAL", "FLOAT", "FLOAT4" -> Type.FLOAT4;
      case "DOUBLE", "FLOAT8" -> Type.FLOAT8;
      case "DECIMAL" -> Type.NUMERIC;
      case "DATE" -> Type.DATE;
      case "TIMESTAMP", "DATETIME" -> Type.TIMESTAMP;
      case "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ" -> Type.TIMESTAMPTZ;
      case "TIME" -> Type.TIME;
      case "INTERVAL" -> Type.INTERVAL;
      case "VARCHAR", "TEXT", "STRING" -> Type.VARCHAR;
      default -> Type.TEXT;
    };
    if (t.equals("DECIMAL")) {
      return new Column(name, Type.NUMERIC, numericTypmod(18, 3));
    }
    return Column.of(name, type);
  }

  /** format_type(oid, typmod) */
  static String formatType(Type type, int typmod) {
    if (type == Type.NUMERIC && typmod >= 4) {
      int m = typmod - 4;
      return "numeric(" + (m >> 16) + "," + (m & 0xffff) + ")";
    }
    return type.sqlName();
  }

  // ---- values out ------------------------------------------------------------------------

  /** Reads a row of an Arrow column as the Java value the encoders take (strings as UTF-8 bytes). */
  static Object value(FieldVector v, int row) {
    if (v.isNull(row)) {
      return null;
    }
    if (v instanceof VarCharVector s) {
      return s.get(row);
    }
    if (v instanceof IntVector i) {
      return i.get(row);
    }
    if (v instanceof BigIntVector i) {
      return i.get(row);
    }
    if (v instanceof SmallIntVector i) {
      return i.get(row);
    }
    if (v instanceof TinyIntVector i) {
      return (short) i.get(row);
    }
    if (v instanceof Float8Vector f) {
      return f.get(row);
    }
    if (v instanceof Float4Vector f) {
      return f.get(row);
    }
    if (v instanceof BitVector b) {
      return b.get(row) != 0;
    }
    if (v instanceof DateDayVector d) {
      return LocalDate.ofEpochDay(d.get(row));
    }
    if (v instanceof DecimalVector d) {
      return d.getObject(row);
    }
    if (v instanceof TimeStampVector ts) {
      ArrowType.Timestamp type = (ArrowType.Timestamp) v.getField().getType();
      long raw = ts.get(row);
      long micros = switch (type.getUnit()) {
        case SECOND -> raw * 1_000_000L;
        case MILLISECOND -> raw * 1_000L;
        case MICROSECOND -> raw;
        case NANOSECOND -> Math.floorDiv(raw, 1_000L);
      };
      return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
          (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
    }
    Object o = v.getObject(row);
    if (o instanceof org.apache.arrow.vector.PeriodDuration pd) {
      return pd;
    }
    if (o instanceof java.time.Duration d) {
      return new org.apache.arrow.vector.PeriodDuration(java.time.Period.ZERO, d);
    }
    if (o instanceof LocalDateTime t && v.getField().getType() instanceof ArrowType.Time) {
      return t.toLocalTime();
    }
    if (o instanceof Integer micros && v.getField().getType() instanceof ArrowType.Time) {
      return LocalTime.ofNanoOfDay(micros * 1_000_000L);
    }
    if (o instanceof Long n && v.getField().getType() instanceof ArrowType.Time tt) {
      return LocalTime.ofNanoOfDay(switch (tt.getUnit()) {
        case SECOND -> n * 1_000_000_000L;
        case MILLISECOND -> n * 1_000_000L;
        case MICROSECOND -> n * 1_000L;
        case NANOSECOND -> n;
      });
    }
    return o == null ? null : o.toString();
  }

  private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
      .appendPattern("HH:mm:ss").optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 6, true)
      .toFormatter(Locale.ROOT);
  private static final long PG_EPOCH_DAY = LocalDate.of(2000, 1, 1).toEpochDay();
  private static final long PG_EPOCH_MICROS = PG_EPOCH_DAY * 86_400_000_000L;

  /** A value in text format, as PostgreSQL prints it with DateStyle ISO and extra_float_digits 1. */
  static byte[] text(Type type, Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof byte[] b) {
      return b;
    }
    return textString(type, v).getBytes(StandardCharsets.UTF_8);
  }

  static String textString(Type type, Object v) {
    return switch (type) {
      case BOOL -> ((Boolean) v) ? "t" : "f";
      case FLOAT8 -> floatText(((Number) v).doubleValue(), false);
      case FLOAT4 -> floatText(((Number) v).floatValue(), true);
      case NUMERIC -> v instanceof BigDecimal d ? d.toPlainString() : v.toString();
      case DATE -> ((LocalDate) v).toString();
      case TIMESTAMP -> timestampText((LocalDateTime) v);
      case TIMESTAMPTZ -> timestampText((LocalDateTime) v) + "+00";
      case TIME -> TIME.format((LocalTime) v);
      case INTERVAL -> intervalText((org.apache.arrow.vector.PeriodDuration) v);
      default -> v.toString();
    };
  }

  private static String timestampText(LocalDateTime t) {
    return t.toLocalDate() + " " + TIME.format(t.toLocalTime());
  }

  /** PostgreSQL's shortest exact output: plain between 1e-4 and 1e15 (1e6 for real), else d.ddde+XX. */
  static String floatText(double d, boolean single) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == 0) {
      return 1 / d < 0 ? "-0" : "0";
    }
    BigDecimal exact = new BigDecimal(single ? Float.toString((float) d) : Double.toString(d)).stripTrailingZeros();
    int exponent = exact.precision() - exact.scale() - 1;
    if (exponent < -4 || exponent >= (single ? 6 : 15)) {
      String digits = exact.unscaledValue().abs().toString();
      StringBuilder s = new StringBuilder(exact.signum() < 0 ? "-" : "");
      s.append(digits.charAt(0));
      if (digits.length() > 1) {
        s.append('.').append(digits, 1, digits.length());
      }
      s.append('e').append(exponent < 0 ? '-' : '+');
      int e = Math.abs(exponent);
      s.append(e < 10 ? "0" : "").append(e);
      return s.toString();
    }
    return exact.toPlainString();
  }

  static String intervalText(org.apache.arrow.vector.PeriodDuration pd) {
    long months = pd.getPeriod().toTotalMonths();
    long days = pd.getPeriod().getDays();
    long micros = pd.getDuration().toNanos() / 1000;
    StringBuilder s = new StringBuilder();
    long years = months / 12;
    long mons = months % 12;
    if (years != 0) {
      s.append(years).append(Math.abs(years) == 1 ? " year " : " years ");
    }
    if (mons != 0) {
      s.append(mons).append(Math.abs(mons) == 1 ? " mon " : " mons ");
    }
    if (days != 0) {
      s.append(days).append(Math.abs(days) == 1 ? " day " : " days ");
    }
    if (micros != 0 || s.length() == 0) {
      if (micros < 0) {
        s.append('-');
        micros = -micros;
      }
      long secs = micros / 1_000_000;
      s.append(String.format(Locale.ROOT, "%02d:%02d:%02d", secs / 3600, (secs / 60) % 60, secs % 60));
      long frac = micros % 1_000_000;
      if (frac != 0) {
        String f = String.format(Locale.ROOT, "%06d", frac).replaceAll("0+$", "");
        s.append('.').append(f);
      }
    }
    return s.toString().trim();
  }

  /** A value in binary format (the common types; others are sent as text by declaring them text). */
  static byte[] binary(Type type, Object v) {
    if (v == null) {
      return null;
    }
    java.nio.ByteBuffer b;
    switch (type) {
      case BOOL:
        return new byte[] {(byte) (((Boolean) v) ? 1 : 0)};
      case INT2:
        return java.nio.ByteBuffer.allocate(2).putShort(((Number) v).shortValue()).array();
      case INT4:
      case OID:
        return java.nio.ByteBuffer.allocate(4).putInt(((Number) v).intValue()).array();
      case INT8:
        return java.nio.ByteBuffer.allocate(8).putLong(((Number) v).longValue()).array();
      case FLOAT4:
        return java.nio.ByteBuffer.allocate(4).putFloat(((Number) v).floatValue()).array();
      case FLOAT8:
        return java.nio.ByteBuffer.allocate(8).putDouble(((Number) v).doubleValue()).array();
      case DATE:
        return java.nio.ByteBuffer.allocate(4).putInt((int) (((LocalDate) v).toEpochDay() - PG_EPOCH_DAY)).array();
      case TIMESTAMP:
      case TIMESTAMPTZ: {
        LocalDateTime t = (LocalDateTime) v;
        long micros = t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1000;
        return java.nio.ByteBuffer.allocate(8).putLong(micros - PG_EPOCH_MICROS).array();
      }
      case TIME:
        return java.nio.ByteBuffer.allocate(8).putLong(((LocalTime) v).toNanoOfDay() / 1000).array();
      case INTERVAL: {
        org.apache.arrow.vector.PeriodDuration pd = (org.apache.arrow.vector.PeriodDuration) v;
        b = java.nio.ByteBuffer.allocate(16);
        b.putLong(pd.getDuration().toNanos() / 1000).putInt(pd.getPeriod().getDays())
            .putInt((int) pd.getPeriod().toTotalMonths());
        return b.array();
      }
      case NUMERIC:
        return numericBinary(v instanceof BigDecimal d ? d : new BigDecimal(v.toString()));
      default:
        return text(type, v);
    }
  }

  /** PostgreSQL's binary numeric: base-10000 digits with weight, sign and display scale. */
  static byte[] numericBinary(BigDecimal value) {
    BigDecimal v = value.scale() < 0 ? value.setScale(0) : value;
    int dscale = v.scale();
    String digits = v.unscaledValue().abs().toString();
    int intLen = digits.length() - dscale;
    String intPart = intLen > 0 ? digits.substring(0, intLen) : "";
    String frac = intLen > 0 ? digits.substring(intLen) : "0".repeat(-intLen) + digits;
    intPart = "0".repeat((4 - intPart.length() % 4) % 4) + intPart;
    frac = frac + "0".repeat((4 - frac.length() % 4) % 4);
    String all = intPart + frac;
    int weight = intPart.length() / 4 - 1;
    int n = all.length() / 4;
    int first = 0;
    while (first < n && all.startsWith("0000", first * 4)) {
      first++;
      weight--;
    }
    int last = n;
    while (last > first && all.startsWith("0000", (last - 1) * 4)) {
      last--;
    }
    int count = last - first;
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 2 * count);
    b.putShort((short) count).putShort((short) (count == 0 ? 0 : weight))
        .putShort((short) (v.signum() < 0 ? 0x4000 : 0)).putShort((short) dscale);
    for (int i = first; i < last; i++) {
      b.putShort(Short.parseShort(all.substring(i * 4, i * 4 + 4)));
    }
    return b.array();
  }

  // ---- parameters in ---------------------------------------------------------------------

  /**
   * A bound parameter as a SQL literal: {@code oid} is what the client declared (0 = let the
   * server decide: text, written as a string literal), {@code binary} its format.
   */
  static String literal(int oid, boolean binary, byte[] value, int parameter) {
    if (value == null) {
      return "NULL";
    }
    Type type = Type.ofOid(oid);
    if (oid != 0 && type == null) {
      throw SqlLiterals.unsupported(parameter, "of the PostgreSQL type OID " + oid);
    }
    if (type == null) {
      if (!binary) {
        String dated = untypedDateTime(PgMessages.utf8(value, 0, value.length), parameter);
        if (dated != null) {
          return dated;
        }
      }
      type = Type.TEXT;
    }
    try {
      if (binary) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(value);
        String lit = switch (type) {
          case BOOL -> SqlLiterals.bool(b.get() != 0);
          case INT2 -> SqlLiterals.integer(b.getShort());
          case INT4, OID -> SqlLiterals.integer(b.getInt());
          case INT8 -> SqlLiterals.integer(b.getLong());
          case FLOAT4 -> SqlLiterals.floating(b.getFloat(), true, parameter);
          case FLOAT8 -> SqlLiterals.floating(b.getDouble(), false, parameter);
          case DATE -> SqlLiterals.date(LocalDate.ofEpochDay(PG_EPOCH_DAY + b.getInt()), parameter);
          case TIMESTAMP -> {
            long micros = b.getLong() + PG_EPOCH_MICROS;
            yield SqlLiterals.timestamp(LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC), parameter);
          }
          case NUMERIC -> SqlLiterals.decimal(numericFromBinary(b));
          case TEXT, VARCHAR, NAME -> SqlLiterals.string(PgMessages.utf8(value, 0, value.length), parameter);
          default -> throw SqlLiterals.unsupported(parameter, "of type " + type.sqlName() + " in binary format");
        };
        if (b.hasRemaining()) {
          throw SqlLiterals.unsupported(parameter, "a binary " + type.sqlName() + " of the wrong length");
        }
        return lit;
      }
      String s = PgMessages.utf8(value, 0, value.length);
      return switch (type) {
        case BOOL -> SqlLiterals.bool(parseBool(s, parameter));
        case INT2, INT4, INT8, OID -> SqlLiterals.integer(Long.parseLong(s.trim()));
        case FLOAT4 -> SqlLiterals.floating(Float.parseFloat(s.trim()), true, parameter);
        case FLOAT8 -> SqlLiterals.floating(Double.parseDouble(s.trim()), false, parameter);
        case NUMERIC -> SqlLiterals.decimal(new BigDecimal(s.trim()));
        case DATE -> SqlLiterals.date(LocalDate.parse(s.trim()), parameter);
        case TIMESTAMP -> SqlLiterals.timestamp(LocalDateTime.parse(s.trim().replace(' ', 'T')), parameter);
        case TIMESTAMPTZ -> throw SqlLiterals.unsupported(parameter,
            "a timestamp with a time zone (bind a local timestamp without a zone)");
        case TEXT, VARCHAR, NAME, CHAR -> SqlLiterals.string(s, parameter);
        default -> throw SqlLiterals.unsupported(parameter, "of type " + type.sqlName());
      };
    } catch (java.nio.BufferUnderflowException | NumberFormatException | java.time.DateTimeException e) {
      throw SqlLiterals.unsupported(parameter, "not a valid " + type.sqlName() + " value");
    }
  }

  /** pgjdbc's setDate ({@code 2024-02-29 +09}) and setTimestamp ({@code 2024-02-29 12:00:00.5+00}), sent untyped. */
  private static final java.util.regex.Pattern JDBC_DATE =
      java.util.regex.Pattern.compile("(\\d{4}-\\d{2}-\\d{2}) [+-]\\d{2}(:\\d{2}){0,2}");
  private static final java.util.regex.Pattern JDBC_TIMESTAMP = java.util.regex.Pattern.compile(
      "(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?)([+-]\\d{2}(:\\d{2}){0,2})");

  /**
   * An untyped text value in the JDBC driver's date or timestamp form as a typed literal, else
   * null. PostgreSQL reads such a value into a date or timestamp column and drops the zone; DuckDB
   * would not cast it at all. A date's zone does not change the date. A timestamp is taken only at
   * offset zero (the session's TimeZone is UTC, the only one served), so no instant is shifted silently.
   */
  private static String untypedDateTime(String s, int parameter) {
    try {
      java.util.regex.Matcher d = JDBC_DATE.matcher(s);
      if (d.matches()) {
        return SqlLiterals.date(LocalDate.parse(d.group(1)), parameter);
      }
      java.util.regex.Matcher t = JDBC_TIMESTAMP.matcher(s);
      if (t.matches()) {
        if (!t.group(3).matches("[+-]00(:00){0,2}")) {
          throw SqlLiterals.unsupported(parameter, "a timestamp at UTC offset " + t.group(3)
              + " (the session's time zone is UTC: bind timestamps in UTC)");
        }
        return SqlLiterals.timestamp(LocalDateTime.parse(t.group(1).replace(' ', 'T')), parameter);
      }
    } catch (java.time.DateTimeException e) {
      throw SqlLiterals.unsupported(parameter, "not a valid date or timestamp");
    }
    return null;
  }

  private static boolean parseBool(String s, int parameter) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "t", "true", "yes", "y", "on", "1" -> true;
      case "f", "false", "no", "n", "off", "0" -> false;
      default -> throw SqlLiterals.unsupported(parameter, "not a boolean");
    };
  }

  static BigDecimal numericFromBinary(java.nio.ByteBuffer b) {
    int n = b.getShort() & 0xffff;
    int weight = b.getShort();
    int sign = b.getShort() & 0xffff;
    int dscale = b.getShort() & 0xffff;
    if (sign == 0xC000) {
      throw new NumberFormatException("NaN");
    }
    if (n > 1000 || dscale > 1000) {
      throw new NumberFormatException("numeric out of range");
    }
    BigInteger acc = BigInteger.ZERO;
    for (int i = 0; i < n; i++) {
      int d = b.getShort();
      if (d < 0 || d > 9999) {
        throw new NumberFormatException("bad numeric digit");
      }
      acc = acc.multiply(BigInteger.valueOf(10000)).add(BigInteger.valueOf(d));
    }
    // value = acc * 10000^(weight - n + 1)
    BigDecimal v = new BigDecimal(acc).scaleByPowerOfTen(4 * (weight - n + 1));
    v = v.setScale(dscale, java.math.RoundingMode.UNNECESSARY);
    return sign == 0x4000 ? v.negate() : v;
  }
}
