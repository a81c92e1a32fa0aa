package jp.enclave.gateway.core;

import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

/**
 * Stage 1: text to tree with Calcite's parser, DuckDB-like lexical rules (double-quoted
 * identifiers, case-insensitive names, LIMIT/OFFSET, !=, GROUP BY alias). A parser error becomes
 * a GW-SYNTAX refusal at the parser's position.
 */
final class SqlParsing {
  static {
    // Literals (Japanese diagnosis names) must not be forced through ISO-8859-1.
    System.setProperty("calcite.default.charset", "UTF-8");
    System.setProperty("calcite.default.nationalcharset", "UTF-8");
  }

  static final SqlConformanceEnum CONFORMANCE = SqlConformanceEnum.LENIENT;

  static final SqlParser.Config CONFIG = SqlParser.config()
      .withParserFactory(org.apache.calcite.sql.parser.babel.SqlBabelParserImpl.FACTORY)
      .withQuoting(Quoting.DOUBLE_QUOTE)
      .withUnquotedCasing(Casing.UNCHANGED)
      .withQuotedCasing(Casing.UNCHANGED)
      .withCaseSensitive(false)
      .withConformance(CONFORMANCE)
      .withIdentifierMaxLength(128);

  private SqlParsing() {}

  /**
   * Runs the static block above. Calcite reads the charset properties once, when its first class
   * loads; whoever touches Calcite first (the catalog) calls this before.
   */
  static void useUtf8() {}

  static SqlNode parse(String sql) {
    try {
      return SqlParser.create(sql, CONFIG).parseStmt();
    } catch (SqlParseException e) {
      throw Refusals.denySyntax(e.getPos(), firstLine(e.getMessage()));
    } catch (StackOverflowError e) {
      throw Refusals.denyTooDeep(0, 0, 0);
    }
  }

  /** Calcite's first message line, without the position it repeats (the refusal carries it). */
  static String firstLine(String message) {
    if (message == null) {
      return "unexpected input";
    }
    String line = message.lines().findFirst().orElse(message);
    line = line.replaceAll(" at line \\d+, column \\d+", "").trim();
    if (line.startsWith("Non-query expression encountered in illegal context")) {
      return "this statement is not a query";
    }
    return line.endsWith(".") ? line.substring(0, line.length() - 1) : line;
  }
}
