package jp.enclave.gateway.core;

import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.dialect.DuckDBSqlDialect;
import org.apache.calcite.sql.fun.SqlBetweenOperator;

/**
 * Calcite's DuckDB dialect with the fixes the gateway needs for its output to run on DuckDB as
 * written: LIMIT/OFFSET instead of FETCH NEXT, BETWEEN without ASYMMETRIC, FLOOR(d TO unit) as
 * date_trunc (Calcite 1.42 fails on the parsed form), and no charset prefixes on literals.
 */
final class EnclaveDuckDbDialect extends DuckDBSqlDialect {
  static final EnclaveDuckDbDialect INSTANCE = new EnclaveDuckDbDialect();

  private EnclaveDuckDbDialect() {
    super(DuckDBSqlDialect.DEFAULT_CONTEXT);
  }

  @Override
  public void unparseOffsetFetch(SqlWriter writer, SqlNode offset, SqlNode fetch) {
    unparseFetchUsingLimit(writer, offset, fetch);
  }

  @Override
  public boolean supportsCharSet() {
    return false;
  }

  /** Functions written with a quoted name: Calcite's parsers give their bare names other grammars. */
  private static final java.util.Set<String> QUOTED_NAMES = java.util.Set.of("DATE_DIFF", "DATE_PART", "UNNEST");

  @Override
  public void unparseCall(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
    if (QUOTED_NAMES.contains(call.getOperator().getName()) && call.getOperator() instanceof org.apache.calcite.sql.SqlFunction) {
      writer.print("\"" + call.getOperator().getName().toLowerCase(java.util.Locale.ROOT) + "\"");
      SqlWriter.Frame frame = writer.startList("(", ")");
      for (SqlNode operand : call.getOperandList()) {
        writer.sep(",");
        operand.unparse(writer, 0, 0);
      }
      writer.endList(frame);
      return;
    }
    if (call.getKind() == SqlKind.FLOOR && call.operandCount() == 2) {
      writer.print("DATE_TRUNC");
      SqlWriter.Frame frame = writer.startList("(", ")");
      writer.print("'" + unit(call.operand(1)).name().toLowerCase(java.util.Locale.ROOT) + "'");
      writer.sep(",", true);
      call.operand(0).unparse(writer, 0, 0);
      writer.endList(frame);
      return;
    }
    if (call.getKind() == SqlKind.BETWEEN) {
      SqlBetweenOperator op = (SqlBetweenOperator) call.getOperator();
      SqlWriter.Frame frame = writer.startList("(", ")");
      call.operand(0).unparse(writer, 0, 0);
      writer.keyword(op.isNegated() ? "NOT BETWEEN" : "BETWEEN");
      call.operand(1).unparse(writer, 0, 0);
      writer.keyword("AND");
      call.operand(2).unparse(writer, 0, 0);
      writer.endList(frame);
      return;
    }
    super.unparseCall(writer, call, leftPrec, rightPrec);
  }

  static TimeUnit unit(SqlNode node) {
    if (node instanceof SqlIntervalQualifier q) {
      return q.getStartUnit();
    }
    if (node instanceof SqlLiteral l) {
      return l.getValueAs(org.apache.calcite.avatica.util.TimeUnitRange.class).startUnit;
    }
    throw new IllegalArgumentException("not a time unit: " + node);
  }
}
