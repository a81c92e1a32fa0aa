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
   * date_diff('day', start, end) and its spelling datediff: part boundaries crossed. Written out
   * with a quoted name, because Calcite's parsers give both names grammars of other databases.
   */
  static final SqlFunction DATE_DIFF = scalar("DATE_DIFF", ReturnTypes.BIGINT_NULLABLE,
      OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.DATETIME, SqlTypeFamily.DATETIME),
      SqlFunctionCategory.TIMEDATE);

  static final SqlFunction DATE_PART = scalar("DATE_PART", ReturnTypes.BIGINT_NULLABLE,
      OperandTypes.or(OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.DATETIME),
          OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.DATETIME_INTERVAL)), SqlFunctionCategory.TIMEDATE);

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


  // --- DuckDB's statistics aggregates: types steer validation only.
  static SqlAggFunction agg(String name, org.apache.calcite.sql.type.SqlReturnTypeInference ret,
      org.apache.calcite.sql.type.SqlOperandTypeChecker operands) {
    return SqlBasicAggFunction.create(name, SqlKind.OTHER_FUNCTION, ret, operands);
  }

  private static final org.apache.calcite.sql.type.SqlReturnTypeInference DOUBLE_AGG =
      ReturnTypes.explicit(SqlTypeName.DOUBLE).andThen(org.apache.calcite.sql.type.SqlTypeTransforms.FORCE_NULLABLE);

  static SqlAggFunction pairStat(String name) {
    return agg(name, DOUBLE_AGG, OperandTypes.NUMERIC_NUMERIC);
  }

  static final SqlAggFunction CORR = pairStat("CORR");
  static final SqlAggFunction REGR_SLOPE = pairStat("REGR_SLOPE");
  static final SqlAggFunction REGR_INTERCEPT = pairStat("REGR_INTERCEPT");
  static final SqlAggFunction REGR_R2 = pairStat("REGR_R2");
  static final SqlAggFunction REGR_AVGX = pairStat("REGR_AVGX");
  static final SqlAggFunction REGR_AVGY = pairStat("REGR_AVGY");
  static final SqlAggFunction REGR_SXX = pairStat("REGR_SXX");
  static final SqlAggFunction REGR_SYY = pairStat("REGR_SYY");
  static final SqlAggFunction REGR_SXY = pairStat("REGR_SXY");
  static final SqlAggFunction REGR_COUNT = agg("REGR_COUNT", ReturnTypes.BIGINT, OperandTypes.NUMERIC_NUMERIC);
  static final SqlAggFunction SKEWNESS = agg("SKEWNESS", DOUBLE_AGG, OperandTypes.NUMERIC);
  static final SqlAggFunction KURTOSIS = agg("KURTOSIS", DOUBLE_AGG, OperandTypes.NUMERIC);
  static final SqlAggFunction ENTROPY = agg("ENTROPY", DOUBLE_AGG, OperandTypes.ANY);
  static final SqlAggFunction QUANTILE_DISC = agg("QUANTILE_DISC", ReturnTypes.ARG0_FORCE_NULLABLE,
      OperandTypes.family(SqlTypeFamily.ANY, SqlTypeFamily.NUMERIC));
  static final SqlAggFunction APPROX_QUANTILE = agg("APPROX_QUANTILE", ReturnTypes.ARG0_FORCE_NULLABLE,
      OperandTypes.family(SqlTypeFamily.ANY, SqlTypeFamily.NUMERIC));

  // --- dates
  static final SqlFunction MAKE_DATE = scalar("MAKE_DATE", ReturnTypes.explicit(SqlTypeName.DATE),
      OperandTypes.family(SqlTypeFamily.NUMERIC, SqlTypeFamily.NUMERIC, SqlTypeFamily.NUMERIC), SqlFunctionCategory.TIMEDATE);
  static final SqlFunction STRPTIME = scalar("STRPTIME", ReturnTypes.explicit(SqlTypeName.TIMESTAMP),
      OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER), SqlFunctionCategory.TIMEDATE);
  static final SqlFunction LAST_DAY = scalar("LAST_DAY", ReturnTypes.explicit(SqlTypeName.DATE),
      OperandTypes.family(SqlTypeFamily.DATETIME), SqlFunctionCategory.TIMEDATE);
  static final SqlFunction DAYNAME = scalar("DAYNAME", ReturnTypes.VARCHAR_NULLABLE,
      OperandTypes.family(SqlTypeFamily.DATETIME), SqlFunctionCategory.TIMEDATE);
  static final SqlFunction MONTHNAME = scalar("MONTHNAME", ReturnTypes.VARCHAR_NULLABLE,
      OperandTypes.family(SqlTypeFamily.DATETIME), SqlFunctionCategory.TIMEDATE);
  static final SqlFunction WEEK = datePart("WEEK");
  static final SqlFunction DAYOFYEAR = datePart("DAYOFYEAR");
  static final SqlFunction DAYOFMONTH = datePart("DAYOFMONTH");
  /** age(a, b): the interval between two dates, as DuckDB computes it. */
  static final SqlFunction AGE = scalar("AGE", op -> op.getTypeFactory().createTypeWithNullability(
      op.getTypeFactory().createSqlIntervalType(new org.apache.calcite.sql.SqlIntervalQualifier(
          org.apache.calcite.avatica.util.TimeUnit.YEAR, org.apache.calcite.avatica.util.TimeUnit.MONTH,
          org.apache.calcite.sql.parser.SqlParserPos.ZERO)), true),
      OperandTypes.or(OperandTypes.family(SqlTypeFamily.DATETIME),
          OperandTypes.family(SqlTypeFamily.DATETIME, SqlTypeFamily.DATETIME)), SqlFunctionCategory.TIMEDATE);

  // --- strings
  static SqlFunction stringTest(String name) {
    return scalar(name, ReturnTypes.BOOLEAN_NULLABLE,
        OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER), SqlFunctionCategory.STRING);
  }

  static final SqlFunction CONTAINS = stringTest("CONTAINS");
  static final SqlFunction ENDS_WITH = stringTest("ENDS_WITH");
  static final SqlFunction PREFIX = stringTest("PREFIX");
  static final SqlFunction SUFFIX = stringTest("SUFFIX");
  static final SqlFunction STRLEN = scalar("STRLEN", ReturnTypes.BIGINT_NULLABLE,
      OperandTypes.family(SqlTypeFamily.CHARACTER), SqlFunctionCategory.STRING);
  static final SqlFunction LPAD = scalar("LPAD", ReturnTypes.VARCHAR_NULLABLE,
      OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER, SqlTypeFamily.CHARACTER), SqlFunctionCategory.STRING);
  static final SqlFunction RPAD = scalar("RPAD", ReturnTypes.VARCHAR_NULLABLE,
      OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER, SqlTypeFamily.CHARACTER), SqlFunctionCategory.STRING);
  static final SqlFunction SPLIT_PART = scalar("SPLIT_PART", ReturnTypes.VARCHAR_NULLABLE,
      OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER), SqlFunctionCategory.STRING);
  static final SqlFunction RIGHT = scalar("RIGHT", ReturnTypes.VARCHAR_NULLABLE,
      OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER), SqlFunctionCategory.STRING);
  static final SqlFunction SUBSTR = scalar("SUBSTR", ReturnTypes.VARCHAR_NULLABLE,
      OperandTypes.or(OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER),
          OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER, SqlTypeFamily.INTEGER)), SqlFunctionCategory.STRING);
  static final SqlFunction REGEXP_EXTRACT = scalar("REGEXP_EXTRACT", ReturnTypes.VARCHAR_NULLABLE,
      OperandTypes.or(OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER),
          OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER)), SqlFunctionCategory.STRING);
  static final SqlFunction REGEXP_REPLACE = scalar("REGEXP_REPLACE", ReturnTypes.VARCHAR_NULLABLE,
      OperandTypes.or(OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER),
          OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER)),
      SqlFunctionCategory.STRING);

  // --- numbers
  static final SqlFunction LOG = scalar("LOG", ReturnTypes.DOUBLE_NULLABLE,
      OperandTypes.or(OperandTypes.NUMERIC, OperandTypes.NUMERIC_NUMERIC), SqlFunctionCategory.NUMERIC);
  static final SqlFunction POW = scalar("POW", ReturnTypes.DOUBLE_NULLABLE, OperandTypes.NUMERIC_NUMERIC,
      SqlFunctionCategory.NUMERIC);

  // --- lists (values only: nothing here reads a file or a catalog)
  static final SqlFunction LIST_CONTAINS = scalar("LIST_CONTAINS", ReturnTypes.BOOLEAN_NULLABLE,
      OperandTypes.family(SqlTypeFamily.ARRAY, SqlTypeFamily.ANY), SqlFunctionCategory.SYSTEM);
  static final SqlFunction LIST_SORT = scalar("LIST_SORT", ReturnTypes.ARG0_NULLABLE,
      OperandTypes.family(SqlTypeFamily.ARRAY), SqlFunctionCategory.SYSTEM);
  static final SqlFunction LIST_DISTINCT = scalar("LIST_DISTINCT", ReturnTypes.ARG0_NULLABLE,
      OperandTypes.family(SqlTypeFamily.ARRAY), SqlFunctionCategory.SYSTEM);
  static final SqlFunction LEN = scalar("LEN", ReturnTypes.BIGINT_NULLABLE,
      OperandTypes.or(OperandTypes.family(SqlTypeFamily.ARRAY), OperandTypes.family(SqlTypeFamily.CHARACTER)),
      SqlFunctionCategory.SYSTEM);

  /** unnest(list) in a select list: one row per element, as DuckDB does. */
  static final SqlFunction UNNEST = scalar("UNNEST", op -> {
    org.apache.calcite.rel.type.RelDataType component = op.getOperandType(0).getComponentType();
    return component == null ? op.getTypeFactory().createSqlType(SqlTypeName.ANY) : component;
  }, OperandTypes.family(SqlTypeFamily.ARRAY), SqlFunctionCategory.SYSTEM);

  // --- DuckDB's date arithmetic: date - date is a number of days, date ± integer is a date.
  private static boolean isDate(org.apache.calcite.rel.type.RelDataType t) {
    return t.getSqlTypeName() == SqlTypeName.DATE;
  }

  private static boolean isInteger(org.apache.calcite.rel.type.RelDataType t) {
    return org.apache.calcite.sql.type.SqlTypeUtil.isIntType(t);
  }

  /** The DuckDB result type of {@code a op b} for the date cases Calcite lacks, else null. */
  private static org.apache.calcite.rel.type.RelDataType dateArithmetic(SqlKind kind,
      org.apache.calcite.rel.type.RelDataType a, org.apache.calcite.rel.type.RelDataType b,
      org.apache.calcite.rel.type.RelDataTypeFactory f) {
    boolean nullable = a.isNullable() || b.isNullable();
    if (kind == SqlKind.MINUS && isDate(a) && isDate(b)) {
      return f.createTypeWithNullability(f.createSqlType(SqlTypeName.BIGINT), nullable);
    }
    if (isDate(a) && isInteger(b) || kind == SqlKind.PLUS && isInteger(a) && isDate(b)) {
      return f.createTypeWithNullability(f.createSqlType(SqlTypeName.DATE), nullable);
    }
    return null;
  }

  /** + and - as DuckDB types them: Calcite's own, plus the date cases above. */
  static org.apache.calcite.sql.SqlBinaryOperator arithmetic(org.apache.calcite.sql.SqlBinaryOperator std) {
    org.apache.calcite.sql.type.SqlOperandTypeChecker stdCheck = std.getOperandTypeChecker();
    org.apache.calcite.sql.type.SqlOperandTypeChecker check = new org.apache.calcite.sql.type.SqlOperandTypeChecker() {
      @Override
      public boolean checkOperandTypes(org.apache.calcite.sql.SqlCallBinding b, boolean throwOnFailure) {
        if (dateArithmetic(std.getKind(), b.getOperandType(0), b.getOperandType(1), b.getTypeFactory()) != null) {
          return true;
        }
        return stdCheck.checkOperandTypes(b, throwOnFailure);
      }

      @Override
      public org.apache.calcite.sql.SqlOperandCountRange getOperandCountRange() {
        return stdCheck.getOperandCountRange();
      }

      @Override
      public String getAllowedSignatures(org.apache.calcite.sql.SqlOperator op, String opName) {
        return stdCheck.getAllowedSignatures(op, opName);
      }
    };
    return new org.apache.calcite.sql.fun.SqlMonotonicBinaryOperator(std.getName(), std.getKind(), std.getLeftPrec(),
        true, op -> {
          org.apache.calcite.rel.type.RelDataType t = dateArithmetic(std.getKind(), op.getOperandType(0),
              op.getOperandType(1), op.getTypeFactory());
          return t != null ? t : std.inferReturnType(op);
        }, org.apache.calcite.sql.type.InferTypes.FIRST_KNOWN, check);
  }

  static final org.apache.calcite.sql.SqlBinaryOperator PLUS = arithmetic(org.apache.calcite.sql.fun.SqlStdOperatorTable.PLUS);
  static final org.apache.calcite.sql.SqlBinaryOperator MINUS = arithmetic(org.apache.calcite.sql.fun.SqlStdOperatorTable.MINUS);

  static final SqlFunction DAY = datePart("DAY");
  static final SqlFunction YEARWEEK = datePart("YEARWEEK");
  static final SqlFunction EPOCH = scalar("EPOCH", ReturnTypes.DOUBLE_NULLABLE,
      OperandTypes.or(OperandTypes.family(SqlTypeFamily.DATETIME), OperandTypes.family(SqlTypeFamily.DATETIME_INTERVAL)),
      SqlFunctionCategory.TIMEDATE);
  static final SqlFunction REGEXP_FULL_MATCH = stringTest("REGEXP_FULL_MATCH");
  static final SqlAggFunction MAX_BY = agg("MAX_BY", ReturnTypes.ARG0_FORCE_NULLABLE, OperandTypes.ANY_ANY);
  static final SqlAggFunction MIN_BY = agg("MIN_BY", ReturnTypes.ARG0_FORCE_NULLABLE, OperandTypes.ANY_ANY);
  static SqlFunction listElement(String name) {
    return scalar(name, op -> {
      org.apache.calcite.rel.type.RelDataType c = op.getOperandType(0).getComponentType();
      return c == null ? op.getTypeFactory().createSqlType(SqlTypeName.ANY) : op.getTypeFactory().createTypeWithNullability(c, true);
    }, OperandTypes.family(SqlTypeFamily.ARRAY), SqlFunctionCategory.SYSTEM);
  }
  static final SqlFunction LIST_MAX = listElement("LIST_MAX");
  static final SqlFunction LIST_MIN = listElement("LIST_MIN");
  static final SqlFunction ARRAY_LENGTH = scalar("ARRAY_LENGTH", ReturnTypes.BIGINT_NULLABLE,
      OperandTypes.family(SqlTypeFamily.ARRAY), SqlFunctionCategory.SYSTEM);
}
