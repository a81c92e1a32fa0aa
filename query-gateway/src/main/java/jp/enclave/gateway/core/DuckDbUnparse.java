package jp.enclave.gateway.core;

import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.pretty.SqlPrettyWriter;

/**
 * Stage 5: the validated, fully qualified tree written out in DuckDB's dialect, every identifier
 * quoted. The output is parsed and written again; if that does not reproduce it exactly, the
 * unparse lost or changed something (as CALCITE-6178 did with RECURSIVE) and the query is refused
 * rather than run in a form the researcher did not write.
 */
final class DuckDbUnparse {
  private DuckDbUnparse() {}

  static String unparse(SqlNode node) {
    SqlPrettyWriter writer = new SqlPrettyWriter(SqlPrettyWriter.config()
        .withDialect(EnclaveDuckDbDialect.INSTANCE)
        .withQuoteAllIdentifiers(true)
        .withAlwaysUseParentheses(false)
        .withClauseStartsLine(false)
        .withClauseEndsLine(false)
        .withSelectListItemsOnSeparateLines(false)
        .withIndentation(0));
    node.accept(USING_COLUMNS).unparse(writer, 0, 0);
    return oneLine(writer.toSqlString().getSql());
  }

  /**
   * Calcite spells out {@code SELECT *} over {@code JOIN ... USING (k)} as
   * {@code COALESCE(a.k, b.k AS k0) AS k}, an alias where DuckDB (and Calcite's own parser) allow
   * none; the alias inside is dropped.
   */
  private static final org.apache.calcite.sql.util.SqlShuttle USING_COLUMNS = new org.apache.calcite.sql.util.SqlShuttle() {
    @Override
    public SqlNode visit(org.apache.calcite.sql.SqlCall call) {
      if (call.getKind() == org.apache.calcite.sql.SqlKind.COALESCE) {
        for (int i = 0; i < call.operandCount(); i++) {
          SqlNode operand = call.operand(i);
          if (operand != null && operand.getKind() == org.apache.calcite.sql.SqlKind.AS) {
            call.setOperand(i, ((org.apache.calcite.sql.SqlCall) operand).operand(0));
          }
        }
      }
      return super.visit(call);
    }
  };

  /** Joins the writer's lines with single spaces, leaving string literals and quoted names alone. */
  static String oneLine(String sql) {
    StringBuilder b = new StringBuilder(sql.length());
    char quote = 0;
    for (int i = 0; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (quote != 0) {
        b.append(c);
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        b.append(c);
      } else if (c == '\n') {
        while (i + 1 < sql.length() && sql.charAt(i + 1) == ' ') {
          i++;
        }
        if (b.length() > 0 && b.charAt(b.length() - 1) != ' ') {
          b.append(' ');
        }
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** True if the DuckDB text parses and validates back to a tree that writes out identically. */
  static boolean roundTrips(String duckSql, ProjectCatalog catalog) {
    return normalize(duckSql, catalog).equals(duckSql);
  }

  /** One more pass of parse, validate and unparse; a refusal means the text did not survive it. */
  static String normalize(String duckSql, ProjectCatalog catalog) {
    try {
      return unparse(new CatalogValidation(catalog).validate(SqlParsing.parse(duckSql)));
    } catch (GatewayRefusal e) {
      return "";
    }
  }

  /**
   * The runtime guard, cheap enough for every query: the DuckDB text must parse again and write
   * out identically (up to the quoting Calcite gives unresolved function names). The full check
   * with validation, {@link #roundTrips}, runs over the corpora and the allowlist in the tests.
   */
  static boolean reparses(String duckSql) {
    try {
      String again = unparse(SqlParsing.parse(duckSql));
      return again.equals(duckSql) || UNRESOLVED_NAME.matcher(again).replaceAll("$1(").equals(duckSql);
    } catch (GatewayRefusal e) {
      return false;
    }
  }

  private static final java.util.regex.Pattern UNRESOLVED_NAME = java.util.regex.Pattern.compile("\"([A-Z_0-9]+)\"\\(");
}
