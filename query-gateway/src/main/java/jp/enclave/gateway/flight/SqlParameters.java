package jp.enclave.gateway.flight;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import jp.enclave.gateway.core.GatewayRefusal;
import jp.enclave.gateway.core.ProjectCatalog;
import jp.enclave.gateway.core.SqlLiterals;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.Text;

/**
 * Prepared-statement parameters ({@code ?}) as the Flight SQL JDBC driver and DBeaver send them.
 * The gateway never hands parameters to DuckDB: each bound value is rendered as an exact, typed SQL
 * literal in place of its placeholder, and the resulting text goes through the whole gateway
 * pipeline like any query the researcher typed, so every check runs on the final text. A value
 * that cannot be written exactly (NaN, a time zone, nanoseconds, binary, nested types) is refused.
 *
 * <p>Placeholders are found by a small lexer that skips string literals, quoted identifiers and
 * comments. Their declared types (the parameter schema clients bind with) are inferred from the
 * column a placeholder is compared with, {@code CAST(? AS type)}, or {@code LIMIT}/{@code OFFSET};
 * otherwise text. A wrong guess costs the client a type error, never a check: the literal is
 * rendered from the type the client actually sent.
 */
final class SqlParameters {
  /** Parameter rows one execution may bind; each row becomes its own planned, audited query. */
  static final int MAX_ROWS = 16;

  private static final Set<String> COMPARISONS = Set.of("=", "==", "<>", "!=", "<", ">", "<=", ">=");

  private enum Kind { WORD, QUOTED, STRING, NUMBER, SYMBOL, PLACEHOLDER }

  private record Token(Kind kind, String text, int start, int end) {
    boolean is(String s) {
      return (kind == Kind.WORD || kind == Kind.SYMBOL) && text.equalsIgnoreCase(s);
    }

    boolean isName() {
      return kind == Kind.WORD || kind == Kind.QUOTED;
    }

    String name() {
      return kind == Kind.QUOTED ? text.substring(1, text.length() - 1).replace("\"\"", "\"") : text;
    }
  }

  /** A statement's text split around its placeholders, with their inferred types. */
  record Template(String sql, List<Integer> placeholderOffsets, Schema parameterSchema) {
    int count() {
      return placeholderOffsets.size();
    }

    /** The text with each placeholder replaced by its rendered literal. */
    String bind(List<String> literals) {
      if (literals.size() != count()) {
        throw FlightErrors.invalid("GW-PARAMETER-COUNT", "The statement has " + count() + " parameters but "
            + literals.size() + " values were bound.");
      }
      StringBuilder out = new StringBuilder(sql.length() + 16 * literals.size());
      int from = 0;
      for (int i = 0; i < literals.size(); i++) {
        int at = placeholderOffsets.get(i);
        out.append(sql, from, at).append(' ').append(literals.get(i)).append(' ');
        from = at + 1;
      }
      return out.append(sql, from, sql.length()).toString();
    }
  }

  private SqlParameters() {}

  static Template parse(String sql, ProjectCatalog catalog) {
    List<Token> tokens = lex(sql);
    List<Integer> offsets = new ArrayList<>();
    List<Field> fields = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      if (tokens.get(i).kind() == Kind.PLACEHOLDER) {
        offsets.add(tokens.get(i).start());
        fields.add(Field.nullable("parameter_" + (fields.size() + 1), infer(tokens, i, catalog)));
      }
    }
    return new Template(sql, List.copyOf(offsets), new Schema(fields));
  }

  // ---- lexing ----------------------------------------------------------------------------

  private static List<Token> lex(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      int start = i;
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && i + 1 < n && s.charAt(i + 1) == '-') {
        while (i < n && s.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
        int close = s.indexOf("*/", i + 2);
        i = close < 0 ? n : close + 2;
      } else if (c == '\'' || c == '"') {
        i = closingQuote(s, i, c);
        out.add(new Token(c == '\'' ? Kind.STRING : Kind.QUOTED, s.substring(start, i), start, i));
      } else if (c == '?') {
        i++;
        out.add(new Token(Kind.PLACEHOLDER, "?", start, i));
      } else if (Character.isLetter(c) || c == '_') {
        while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '$')) {
          i++;
        }
        out.add(new Token(Kind.WORD, s.substring(start, i), start, i));
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(s.charAt(i + 1)))) {
        while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.')) {
          i++;
        }
        out.add(new Token(Kind.NUMBER, s.substring(start, i), start, i));
      } else {
        i++;
        if (i < n && "<>=!".indexOf(c) >= 0 && "<>=".indexOf(s.charAt(i)) >= 0) {
          i++;
        }
        out.add(new Token(Kind.SYMBOL, s.substring(start, i), start, i));
      }
    }
    return out;
  }

  /** The index after the quote that closes the one at {@code i}; a doubled quote stays inside. */
  private static int closingQuote(String s, int i, char q) {
    int j = i + 1;
    while (j < s.length()) {
      if (s.charAt(j) == q) {
        if (j + 1 < s.length() && s.charAt(j + 1) == q) {
          j += 2;
          continue;
        }
        return j + 1;
      }
      j++;
    }
    return s.length();
  }

  // ---- type inference --------------------------------------------------------------------

  private static ArrowType infer(List<Token> t, int i, ProjectCatalog catalog) {
    Token prev = at(t, i - 1);
    Token next = at(t, i + 1);
    if (prev != null && (prev.is("LIKE") || prev.is("ILIKE"))) {
      return ArrowType.Utf8.INSTANCE;
    }
    if (prev != null && (prev.is("LIMIT") || prev.is("OFFSET"))) {
      return new ArrowType.Int(64, true);
    }
    if (prev != null && prev.is("(") && at(t, i - 2) != null && at(t, i - 2).is("CAST")
        && next != null && next.is("AS") && at(t, i + 2) != null && at(t, i + 2).kind() == Kind.WORD) {
      ArrowType cast = ArrowTypes.ofDuckDb(castType(t, i + 2));
      return cast == null ? ArrowType.Utf8.INSTANCE : declared(cast);
    }
    if (prev != null && COMPARISONS.contains(prev.text())) {
      return columnType(t, i - 2, catalog);
    }
    if (prev != null && prev.is("BETWEEN")) {
      return columnType(t, skipNot(t, i - 2), catalog);
    }
    if (prev != null && prev.is("AND") && at(t, i - 3) != null && at(t, i - 3).is("BETWEEN")) {
      return columnType(t, skipNot(t, i - 4), catalog);
    }
    if (prev != null && (prev.is("(") || prev.is(","))) {
      // Inside IN (..., ?, ...): walk back to the opening parenthesis.
      int j = i - 1;
      while (j >= 0 && !t.get(j).is("(")) {
        Token x = t.get(j);
        if (!(x.is(",") || x.kind() == Kind.PLACEHOLDER || x.kind() == Kind.NUMBER || x.kind() == Kind.STRING)) {
          return ArrowType.Utf8.INSTANCE;
        }
        j--;
      }
      if (at(t, j - 1) != null && at(t, j - 1).is("IN")) {
        return columnType(t, skipNot(t, j - 2), catalog);
      }
    }
    if (next != null && COMPARISONS.contains(next.text())) {
      int end = i + 2;
      while (at(t, end + 2) != null && at(t, end + 1).is(".")) {
        end += 2;
      }
      return columnType(t, end, catalog);
    }
    return ArrowType.Utf8.INSTANCE;
  }

  private static String castType(List<Token> t, int k) {
    StringBuilder type = new StringBuilder(t.get(k).text());
    if (at(t, k + 1) != null && at(t, k + 1).is("(")) {
      for (int j = k + 1; j < t.size(); j++) {
        type.append(t.get(j).text());
        if (t.get(j).is(")")) {
          break;
        }
      }
    }
    return type.toString();
  }

  private static int skipNot(List<Token> t, int j) {
    return at(t, j) != null && at(t, j).is("NOT") ? j - 1 : j;
  }

  private static Token at(List<Token> t, int i) {
    return i >= 0 && i < t.size() ? t.get(i) : null;
  }

  /** The type of the column named by the (possibly qualified) name ending at token {@code j}. */
  private static ArrowType columnType(List<Token> t, int j, ProjectCatalog catalog) {
    Token name = at(t, j);
    if (name == null || !name.isName()) {
      return ArrowType.Utf8.INSTANCE;
    }
    String qualifier = at(t, j - 1) != null && at(t, j - 1).is(".") && at(t, j - 2) != null && at(t, j - 2).isName()
        ? at(t, j - 2).name() : null;
    Set<ArrowType> types = new LinkedHashSet<>();
    for (ProjectCatalog.TableInfo table : catalog.tables().values()) {
      if (qualifier != null && catalog.table(qualifier).isPresent() && !table.name().equalsIgnoreCase(qualifier)) {
        continue;
      }
      table.column(name.name()).ifPresent(c -> types.add(ArrowTypes.ofDuckDb(c.duckDbType())));
    }
    types.remove(null);
    return types.size() == 1 ? declared(types.iterator().next()) : ArrowType.Utf8.INSTANCE;
  }

  /**
   * The type to declare for a placeholder compared with a column of {@code type}. The Flight SQL
   * JDBC driver (18.3) writes a timestamp's epoch milliseconds into whatever timestamp vector is
   * declared, so timestamps are declared in milliseconds; times are declared as text (DuckDB
   * casts a string literal to TIME), since the driver binds them the same way.
   */
  private static ArrowType declared(ArrowType type) {
    if (type instanceof ArrowType.Timestamp ts) {
      return new ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.MILLISECOND, ts.getTimezone());
    }
    return type instanceof ArrowType.Time ? ArrowType.Utf8.INSTANCE : type;
  }

  // ---- rendering -------------------------------------------------------------------------

  /** Each row of a bound parameter batch as literals, checked against the statement's placeholders. */
  static List<List<String>> render(VectorSchemaRoot batch, int placeholders, List<List<String>> into) {
    if (batch.getFieldVectors().size() != placeholders) {
      throw FlightErrors.invalid("GW-PARAMETER-COUNT", "The statement has " + placeholders
          + " parameters but the bound batch has " + batch.getFieldVectors().size() + " columns.");
    }
    if (into.size() + batch.getRowCount() > MAX_ROWS) {
      throw FlightErrors.invalid("GW-PARAMETER-ROWS", "At most " + MAX_ROWS
          + " parameter rows may be bound to one execution; each runs as its own query.");
    }
    for (int row = 0; row < batch.getRowCount(); row++) {
      List<String> literals = new ArrayList<>(placeholders);
      for (int p = 0; p < placeholders; p++) {
        FieldVector v = batch.getVector(p);
        literals.add(literal(v.getField().getType(), v.getObject(row), p + 1));
      }
      into.add(List.copyOf(literals));
    }
    return into;
  }

  /** One value as an exact, typed SQL literal ({@link SqlLiterals}), or a refusal naming the parameter. */
  static String literal(ArrowType type, Object value, int parameter) {
    try {
      return renderLiteral(type, value, parameter);
    } catch (GatewayRefusal r) {
      throw FlightErrors.toFlight(r);
    }
  }

  private static String renderLiteral(ArrowType type, Object value, int parameter) {
    if (value == null) {
      return "NULL";
    }
    if (type instanceof ArrowType.Int i) {
      long v = ((Number) value).longValue();
      return !i.getIsSigned() && i.getBitWidth() == 64 ? SqlLiterals.unsignedBigint(v) : SqlLiterals.integer(v);
    }
    if (type instanceof ArrowType.FloatingPoint f && f.getPrecision() != FloatingPointPrecision.HALF) {
      return SqlLiterals.floating(((Number) value).doubleValue(), f.getPrecision() == FloatingPointPrecision.SINGLE,
          parameter);
    }
    if (type instanceof ArrowType.Decimal) {
      return SqlLiterals.decimal((BigDecimal) value);
    }
    if (type instanceof ArrowType.Bool) {
      return SqlLiterals.bool((Boolean) value);
    }
    if (type instanceof ArrowType.Utf8 || type instanceof ArrowType.LargeUtf8) {
      return SqlLiterals.string(value instanceof Text t ? t.toString() : value.toString(), parameter);
    }
    if (type instanceof ArrowType.Date d) {
      LocalDate date = d.getUnit() == DateUnit.DAY ? LocalDate.ofEpochDay(((Number) value).longValue())
          : ((LocalDateTime) value).toLocalDate();
      if (d.getUnit() == DateUnit.MILLISECOND && !((LocalDateTime) value).toLocalTime().equals(java.time.LocalTime.MIDNIGHT)) {
        throw SqlLiterals.unsupported(parameter, "a date with a time of day");
      }
      return SqlLiterals.date(date, parameter);
    }
    if (type instanceof ArrowType.Timestamp ts) {
      if (ts.getTimezone() != null) {
        throw SqlLiterals.unsupported(parameter, "a timestamp with the time zone " + ts.getTimezone()
            + " (bind a local timestamp without a zone)");
      }
      return SqlLiterals.timestamp((LocalDateTime) value, parameter);
    }
    throw SqlLiterals.unsupported(parameter, "the Arrow type " + type);
  }
}
