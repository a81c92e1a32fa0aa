package jp.enclave.gateway.core;

import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlBasicAggFunction;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * DuckDB functions that Calcite's standard and library tables lack or spell differently. Their
 * return types only steer validation; results always come from DuckDB itself.
 */
final class DuckDbFunctions {
  private DuckDbFunctions() {}

  private static SqlFunction scalar(String name, org.apache.calcite.sql.type.SqlReturnTypeInference ret,
      org.apache.calcite.sql.type.SqlOperandTypeChecker operands, SqlFunctionCategory category) {
    return new SqlFunction(name, SqlKind.OTHER_FUNCTION, ret, null, operands, category);
  }

  /** date_trunc('month', d): PostgreSQL argument order, as DuckDB has it. */
  static final SqlFunction DATE_TRUNC = scalar("DATE_TRUNC", ReturnTypes.ARG1_NULLABLE,
      OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.DATETIME), SqlFunctionCategory.TIMEDATE);

  /**
   * datediff('day', start, end): part boundaries crossed. (date_diff is not offered: Calcite's
   * parser reads it with BigQuery's argument order.)
   */
  static final SqlFunction DATEDIFF = scalar("DATEDIFF", ReturnTypes.BIGINT_NULLABLE,
      OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.DATETIME, SqlTypeFamily.DATETIME),
      SqlFunctionCategory.TIMEDATE);

  static final SqlFunction DATE_PART = scalar("DATE_PART", ReturnTypes.BIGINT_NULLABLE,
      OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.DATETIME), SqlFunctionCategory.TIMEDATE);

  static final SqlFunction STRFTIME = scalar("STRFTIME", ReturnTypes.VARCHAR_NULLABLE,
      OperandTypes.family(SqlTypeFamily.DATETIME, SqlTypeFamily.CHARACTER), SqlFunctionCategory.TIMEDATE);

  static SqlFunction datePart(String name) {
    return scalar(name, ReturnTypes.BIGINT_NULLABLE, OperandTypes.family(SqlTypeFamily.DATETIME),
        SqlFunctionCategory.TIMEDATE);
  }

  static final SqlFunction YEAR = datePart("YEAR");
  static final SqlFunction MONTH = datePart("MONTH");
  static final SqlFunction QUARTER = datePart("QUARTER");
  static final SqlFunction DAYOFWEEK = datePart("DAYOFWEEK");
  static final SqlFunction ISODOW = datePart("ISODOW");

  static final SqlFunction REGEXP_MATCHES = scalar("REGEXP_MATCHES", ReturnTypes.BOOLEAN_NULLABLE,
      OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER), SqlFunctionCategory.STRING);

  static final SqlFunction STARTS_WITH = scalar("STARTS_WITH", ReturnTypes.BOOLEAN_NULLABLE,
      OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER), SqlFunctionCategory.STRING);


  static final SqlFunction TRUNC = scalar("TRUNC", ReturnTypes.ARG0_NULLABLE,
      OperandTypes.NUMERIC, SqlFunctionCategory.NUMERIC);

  static final SqlFunction LOG2 = scalar("LOG2", ReturnTypes.DOUBLE_NULLABLE,
      OperandTypes.NUMERIC, SqlFunctionCategory.NUMERIC);

  static final SqlAggFunction MEDIAN = SqlBasicAggFunction.create("MEDIAN", SqlKind.OTHER_FUNCTION,
      ReturnTypes.explicit(SqlTypeName.DOUBLE).andThen(org.apache.calcite.sql.type.SqlTypeTransforms.FORCE_NULLABLE),
      OperandTypes.NUMERIC);

  static final SqlAggFunction QUANTILE_CONT = SqlBasicAggFunction.create("QUANTILE_CONT", SqlKind.OTHER_FUNCTION,
      ReturnTypes.explicit(SqlTypeName.DOUBLE).andThen(org.apache.calcite.sql.type.SqlTypeTransforms.FORCE_NULLABLE),
      OperandTypes.family(SqlTypeFamily.NUMERIC, SqlTypeFamily.NUMERIC));

  static final SqlAggFunction MODE = SqlBasicAggFunction.create("MODE", SqlKind.OTHER_FUNCTION,
      ReturnTypes.ARG0_FORCE_NULLABLE, OperandTypes.ANY);

  static final SqlAggFunction COUNT_IF = SqlBasicAggFunction.create("COUNT_IF", SqlKind.OTHER_FUNCTION,
      ReturnTypes.BIGINT, OperandTypes.BOOLEAN);

  static final SqlAggFunction ARG_MAX = SqlBasicAggFunction.create("ARG_MAX", SqlKind.OTHER_FUNCTION,
      ReturnTypes.ARG0_FORCE_NULLABLE, OperandTypes.ANY_ANY);

  static final SqlAggFunction ARG_MIN = SqlBasicAggFunction.create("ARG_MIN", SqlKind.OTHER_FUNCTION,
      ReturnTypes.ARG0_FORCE_NULLABLE, OperandTypes.ANY_ANY);

}
