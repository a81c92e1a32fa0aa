package jp.enclave.gateway.core;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.util.SqlOperatorTables;

/**
 * The gateway's tables of behaviour, in one place: which statements, which syntax and which
 * functions a query may use. Anything not listed is refused (deny by default). Each function row
 * carries an example query over the extract schema; the test suite runs every row through the
 * gateway and against DuckDB directly.
 */
public final class Allowlists {
  private Allowlists() {}

  /** Top-level statement kinds a query may be, with how a researcher would name them. */
  public static final Map<SqlKind, String> STATEMENTS = Map.of(
      SqlKind.SELECT, "SELECT",
      SqlKind.UNION, "UNION",
      SqlKind.INTERSECT, "INTERSECT",
      SqlKind.EXCEPT, "EXCEPT",
      SqlKind.WITH, "WITH",
      SqlKind.ORDER_BY, "SELECT ... ORDER BY / LIMIT",
      SqlKind.VALUES, "VALUES");

  /** Non-function syntax allowed anywhere inside a query. */
  public static final Set<SqlKind> SYNTAX = EnumSet.of(
      SqlKind.SELECT, SqlKind.UNION, SqlKind.INTERSECT, SqlKind.EXCEPT, SqlKind.WITH, SqlKind.WITH_ITEM,
      SqlKind.ORDER_BY, SqlKind.VALUES, SqlKind.ROW, SqlKind.JOIN, SqlKind.AS, SqlKind.OVER, SqlKind.WINDOW,
      SqlKind.FILTER, SqlKind.WITHIN_GROUP, SqlKind.DESCENDING, SqlKind.NULLS_FIRST, SqlKind.NULLS_LAST,
      SqlKind.IGNORE_NULLS, SqlKind.RESPECT_NULLS,
      SqlKind.AND, SqlKind.OR, SqlKind.NOT, SqlKind.EQUALS, SqlKind.NOT_EQUALS, SqlKind.LESS_THAN,
      SqlKind.GREATER_THAN, SqlKind.LESS_THAN_OR_EQUAL, SqlKind.GREATER_THAN_OR_EQUAL,
      SqlKind.IS_NULL, SqlKind.IS_NOT_NULL, SqlKind.IS_TRUE, SqlKind.IS_FALSE, SqlKind.IS_NOT_TRUE,
      SqlKind.IS_NOT_FALSE, SqlKind.IS_DISTINCT_FROM, SqlKind.IS_NOT_DISTINCT_FROM,
      SqlKind.BETWEEN, SqlKind.LIKE, SqlKind.IN, SqlKind.NOT_IN, SqlKind.EXISTS, SqlKind.SCALAR_QUERY,
      SqlKind.SOME, SqlKind.ALL, SqlKind.CASE, SqlKind.PLUS, SqlKind.MINUS, SqlKind.TIMES, SqlKind.DIVIDE,
      SqlKind.MOD, SqlKind.MINUS_PREFIX, SqlKind.PLUS_PREFIX, SqlKind.GROUPING_SETS, SqlKind.ROLLUP,
      SqlKind.CUBE, SqlKind.LITERAL_CHAIN,
      // window frames with offsets (ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), INTERVAL 30 DAY,
      // list values [1, 2] and subscripts l[1]
      SqlKind.PRECEDING, SqlKind.FOLLOWING, SqlKind.INTERVAL, SqlKind.ARRAY_VALUE_CONSTRUCTOR, SqlKind.ITEM);

  /** SELECT * EXCLUDE (...) / REPLACE (...): the validator spells the star out like any other. */
  static final Set<String> STAR_MODIFIERS = Set.of("SELECT_STAR_EXCLUDE", "SELECT_STAR_REPLACE");

  /** Kinds with a name a researcher recognises, for refusal messages. */
  static final Map<SqlKind, String> CONSTRUCT_NAMES = Map.ofEntries(
      Map.entry(SqlKind.TABLESAMPLE, "TABLESAMPLE"),
      Map.entry(SqlKind.LATERAL, "LATERAL"),
      Map.entry(SqlKind.UNNEST, "UNNEST"),
      Map.entry(SqlKind.EXPLICIT_TABLE, "TABLE <name>"),
      Map.entry(SqlKind.MATCH_RECOGNIZE, "MATCH_RECOGNIZE"),
      Map.entry(SqlKind.PIVOT, "PIVOT"),
      Map.entry(SqlKind.UNPIVOT, "UNPIVOT"),
      Map.entry(SqlKind.SNAPSHOT, "FOR SYSTEM_TIME AS OF"),
      Map.entry(SqlKind.SIMILAR, "SIMILAR TO"),
      Map.entry(SqlKind.CURSOR, "CURSOR"),
      Map.entry(SqlKind.NEXT_VALUE, "NEXT VALUE FOR"),
      Map.entry(SqlKind.DEFAULT, "DEFAULT"));

  /** Names that, if a query calls them, name a side channel: refused with the reason. */
  public static final Map<String, String> SIDE_CHANNELS = Map.ofEntries(
      Map.entry("CURRENT_SETTING", "reads the database configuration"),
      Map.entry("GETENV", "reads the server's environment"),
      Map.entry("VERSION", "reveals details of the server"),
      Map.entry("PLATFORM", "reveals details of the server"),
      Map.entry("CURRENT_USER", "reveals details of the server session"),
      Map.entry("SESSION_USER", "reveals details of the server session"),
      Map.entry("SYSTEM_USER", "reveals details of the server session"),
      Map.entry("USER", "reveals details of the server session"),
      Map.entry("CURRENT_ROLE", "reveals details of the server session"),
      Map.entry("CURRENT_SCHEMA", "reveals details of the server session"),
      Map.entry("CURRENT_CATALOG", "reveals details of the server session"),
      Map.entry("CURRENT_DATABASE", "reveals details of the server session"),
      Map.entry("CURRENT_PATH", "reveals details of the server session"),
      Map.entry("SETSEED", "changes the state of the server session"),
      Map.entry("NEXTVAL", "changes the state of the server session"),
      Map.entry("QUERY", "runs SQL text that the gateway cannot check"),
      Map.entry("QUERY_TABLE", "runs SQL text that the gateway cannot check"),
      Map.entry("READ_TEXT", "reads files or URLs"),
      Map.entry("READ_BLOB", "reads files or URLs"));

  /** Prefixes of DuckDB's catalog and file functions: each is a side channel or a way out. */
  static final Map<String, String> SIDE_CHANNEL_PREFIXES = Map.of(
      "DUCKDB_", "reads the database catalog or settings",
      "PRAGMA_", "reads the database catalog or settings",
      "PG_", "reads the database catalog",
      "SQLITE_", "reads the database catalog",
      "READ_", "reads files or URLs",
      "GLOB", "lists files",
      "PARQUET_", "reads files or URLs",
      "ICEBERG_", "reads files or URLs",
      "DELTA_", "reads files or URLs");

  /** Schema names that denote a system catalog rather than another project. */
  public static final Set<String> SYSTEM_SCHEMAS = Set.of(
      "INFORMATION_SCHEMA", "PG_CATALOG", "SYSTEM", "TEMP", "MAIN", "MEMORY", "DUCKDB", "SQLITE_MASTER");

  /** One allowed function: its Calcite operator and a query that exercises it on the extract schema. */
  public record FunctionRow(String name, SqlOperator operator, String example) {}

  // Not offered because Calcite's parser reserves their names: CORR, CONTAINS, DAY (use
  // EXTRACT(DAY FROM d)), DATE_DIFF (parsed with BigQuery's argument order; use DATEDIFF).

  public static final List<FunctionRow> FUNCTIONS = List.of(
      // aggregates
      row("COUNT", SqlStdOperatorTable.COUNT, "SELECT COUNT(*), COUNT(DISTINCT person_id) FROM lab_result"),
      row("SUM", SqlStdOperatorTable.SUM, "SELECT SUM(value) FROM lab_result"),
      row("AVG", SqlStdOperatorTable.AVG, "SELECT lab_code, AVG(value) FROM lab_result GROUP BY lab_code ORDER BY lab_code"),
      row("MIN", SqlStdOperatorTable.MIN, "SELECT MIN(sampled_date) FROM lab_result"),
      row("MAX", SqlStdOperatorTable.MAX, "SELECT MAX(sampled_date) FROM lab_result"),
      row("STDDEV", SqlStdOperatorTable.STDDEV, "SELECT ROUND(STDDEV(value), 6) FROM lab_result"),
      row("STDDEV_SAMP", SqlStdOperatorTable.STDDEV_SAMP, "SELECT ROUND(STDDEV_SAMP(value), 6) FROM lab_result"),
      row("STDDEV_POP", SqlStdOperatorTable.STDDEV_POP, "SELECT ROUND(STDDEV_POP(value), 6) FROM lab_result"),
      row("VARIANCE", SqlStdOperatorTable.VARIANCE, "SELECT ROUND(VARIANCE(value), 6) FROM lab_result"),
      row("VAR_SAMP", SqlStdOperatorTable.VAR_SAMP, "SELECT ROUND(VAR_SAMP(value), 6) FROM lab_result"),
      row("VAR_POP", SqlStdOperatorTable.VAR_POP, "SELECT ROUND(VAR_POP(value), 6) FROM lab_result"),
      row("COVAR_SAMP", SqlStdOperatorTable.COVAR_SAMP, "SELECT ROUND(COVAR_SAMP(value, lab_id), 3) FROM lab_result"),
      row("COVAR_POP", SqlStdOperatorTable.COVAR_POP, "SELECT ROUND(COVAR_POP(value, lab_id), 3) FROM lab_result"),
      row("CORR", DuckDbFunctions.CORR, "SELECT ROUND(CORR(height_cm, weight_kg), 6) FROM vital_sign"),
      row("REGR_SLOPE", DuckDbFunctions.REGR_SLOPE, "SELECT ROUND(REGR_SLOPE(weight_kg, height_cm), 6) FROM vital_sign"),
      row("REGR_INTERCEPT", DuckDbFunctions.REGR_INTERCEPT, "SELECT ROUND(REGR_INTERCEPT(weight_kg, height_cm), 6) FROM vital_sign"),
      row("REGR_R2", DuckDbFunctions.REGR_R2, "SELECT ROUND(REGR_R2(weight_kg, height_cm), 6) FROM vital_sign"),
      row("REGR_COUNT", DuckDbFunctions.REGR_COUNT, "SELECT REGR_COUNT(weight_kg, height_cm) FROM vital_sign"),
      row("REGR_AVGX", DuckDbFunctions.REGR_AVGX, "SELECT ROUND(REGR_AVGX(weight_kg, height_cm), 6) FROM vital_sign"),
      row("REGR_AVGY", DuckDbFunctions.REGR_AVGY, "SELECT ROUND(REGR_AVGY(weight_kg, height_cm), 6) FROM vital_sign"),
      row("REGR_SXX", DuckDbFunctions.REGR_SXX, "SELECT ROUND(REGR_SXX(weight_kg, height_cm), 3) FROM vital_sign"),
      row("REGR_SYY", DuckDbFunctions.REGR_SYY, "SELECT ROUND(REGR_SYY(weight_kg, height_cm), 3) FROM vital_sign"),
      row("REGR_SXY", DuckDbFunctions.REGR_SXY, "SELECT ROUND(REGR_SXY(weight_kg, height_cm), 3) FROM vital_sign"),
      row("SKEWNESS", DuckDbFunctions.SKEWNESS, "SELECT ROUND(SKEWNESS(value), 6) FROM lab_result"),
      row("KURTOSIS", DuckDbFunctions.KURTOSIS, "SELECT ROUND(KURTOSIS(value), 6) FROM lab_result"),
      row("ENTROPY", DuckDbFunctions.ENTROPY, "SELECT ROUND(ENTROPY(lab_code), 6) FROM lab_result"),
      row("QUANTILE_DISC", DuckDbFunctions.QUANTILE_DISC, "SELECT lab_code, QUANTILE_DISC(value, 0.5) FROM lab_result GROUP BY lab_code ORDER BY lab_code"),
      row("APPROX_QUANTILE", DuckDbFunctions.APPROX_QUANTILE, "SELECT APPROX_QUANTILE(value, 0.5) IS NOT NULL FROM lab_result"),
      row("ARRAY_AGG", SqlLibraryOperators.ARRAY_AGG, "SELECT person_id, ARRAY_AGG(drug_name ORDER BY order_date, medication_id), list(drug_code ORDER BY medication_id) FROM medication GROUP BY person_id ORDER BY person_id LIMIT 5"),
      row("UNNEST", DuckDbFunctions.UNNEST, "SELECT person_id, unnest(ARRAY_AGG(DISTINCT icd10 ORDER BY icd10)) AS code FROM diagnosis GROUP BY person_id ORDER BY person_id, code LIMIT 20"),
      row("LIST_MAX", DuckDbFunctions.LIST_MAX, "SELECT LIST_MAX(ARRAY_AGG(value)), LIST_MIN(ARRAY_AGG(value)) FROM lab_result GROUP BY person_id ORDER BY person_id LIMIT 5"),
      row("LIST_MIN", DuckDbFunctions.LIST_MIN, "SELECT LIST_MIN([3, 1, 2])"),
      row("ARRAY_LENGTH", DuckDbFunctions.ARRAY_LENGTH, "SELECT ARRAY_LENGTH(ARRAY_AGG(icd10)) FROM diagnosis GROUP BY person_id ORDER BY person_id LIMIT 5"),
      row("LIST_CONTAINS", DuckDbFunctions.LIST_CONTAINS, "SELECT COUNT(*) FROM diagnosis WHERE LIST_CONTAINS(['E11.9', 'I10'], icd10)"),
      row("LIST_SORT", DuckDbFunctions.LIST_SORT, "SELECT LIST_SORT(ARRAY_AGG(DISTINCT icd10)) FROM diagnosis GROUP BY person_id ORDER BY person_id LIMIT 5"),
      row("LIST_DISTINCT", DuckDbFunctions.LIST_DISTINCT, "SELECT LIST_SORT(LIST_DISTINCT(ARRAY_AGG(icd10))) FROM diagnosis GROUP BY person_id ORDER BY person_id LIMIT 5"),
      row("LEN", DuckDbFunctions.LEN, "SELECT LEN(ARRAY_AGG(icd10)), LEN([1, 2, 3]) FROM diagnosis GROUP BY person_id ORDER BY person_id LIMIT 5"),
      row("MAX_BY", DuckDbFunctions.MAX_BY, "SELECT person_id, MAX_BY(drug_name, medication_id) FROM medication GROUP BY person_id ORDER BY person_id LIMIT 5"),
      row("MIN_BY", DuckDbFunctions.MIN_BY, "SELECT person_id, MIN_BY(drug_name, medication_id) FROM medication GROUP BY person_id ORDER BY person_id LIMIT 5"),
      row("MEDIAN", DuckDbFunctions.MEDIAN, "SELECT lab_code, MEDIAN(value) FROM lab_result GROUP BY lab_code ORDER BY 1"),
      row("QUANTILE_CONT", DuckDbFunctions.QUANTILE_CONT, "SELECT QUANTILE_CONT(value, 0.9) FROM lab_result"),
      row("MODE", DuckDbFunctions.MODE, "SELECT MODE(lab_code) FROM lab_result"),
      row("COUNT_IF", DuckDbFunctions.COUNT_IF, "SELECT COUNT_IF(value > 5) FROM lab_result"),
      row("ARG_MAX", DuckDbFunctions.ARG_MAX, "SELECT person_id, ARG_MAX(lab_id, value) FROM lab_result GROUP BY person_id ORDER BY 1 LIMIT 5"),
      row("ARG_MIN", DuckDbFunctions.ARG_MIN, "SELECT person_id, ARG_MIN(lab_id, value) FROM lab_result GROUP BY person_id ORDER BY 1 LIMIT 5"),
      row("PERCENTILE_CONT", SqlStdOperatorTable.PERCENTILE_CONT, "SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY value) FROM lab_result"),
      row("PERCENTILE_DISC", SqlStdOperatorTable.PERCENTILE_DISC, "SELECT PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY value) FROM lab_result"),
      row("APPROX_COUNT_DISTINCT", SqlStdOperatorTable.APPROX_COUNT_DISTINCT, "SELECT APPROX_COUNT_DISTINCT(person_id) > 0 FROM lab_result"),
      row("ANY_VALUE", SqlStdOperatorTable.ANY_VALUE, "SELECT person_id, ANY_VALUE(sex) FROM patient GROUP BY person_id ORDER BY 1 LIMIT 3"),
      row("BOOL_AND", SqlLibraryOperators.BOOL_AND, "SELECT BOOL_AND(is_main), BOOL_OR(is_main) FROM diagnosis"),
      row("BOOL_OR", SqlLibraryOperators.BOOL_OR, "SELECT BOOL_OR(value > 100) FROM lab_result"),
      row("STRING_AGG", SqlLibraryOperators.STRING_AGG, "SELECT person_id, STRING_AGG(DISTINCT icd10, ',' ORDER BY icd10) FROM diagnosis GROUP BY person_id ORDER BY 1 LIMIT 5"),
      row("GROUPING", SqlStdOperatorTable.GROUPING, "SELECT sex, GROUPING(sex), COUNT(*) FROM patient GROUP BY ROLLUP(sex) ORDER BY 1 NULLS LAST"),
      // window functions
      row("ROW_NUMBER", SqlStdOperatorTable.ROW_NUMBER, "SELECT lab_id, ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY sampled_date, lab_id) FROM lab_result ORDER BY lab_id"),
      row("RANK", SqlStdOperatorTable.RANK, "SELECT lab_id, RANK() OVER (ORDER BY value) FROM lab_result ORDER BY lab_id"),
      row("DENSE_RANK", SqlStdOperatorTable.DENSE_RANK, "SELECT lab_id, DENSE_RANK() OVER (ORDER BY lab_code) FROM lab_result ORDER BY lab_id"),
      row("PERCENT_RANK", SqlStdOperatorTable.PERCENT_RANK, "SELECT lab_id, PERCENT_RANK() OVER (ORDER BY lab_id) FROM lab_result ORDER BY lab_id"),
      row("CUME_DIST", SqlStdOperatorTable.CUME_DIST, "SELECT lab_id, CUME_DIST() OVER (ORDER BY lab_id) FROM lab_result ORDER BY lab_id"),
      row("NTILE", SqlStdOperatorTable.NTILE, "SELECT lab_id, NTILE(4) OVER (ORDER BY lab_id) FROM lab_result ORDER BY lab_id"),
      row("LAG", SqlStdOperatorTable.LAG, "SELECT lab_id, LAG(value, 1) OVER (PARTITION BY person_id ORDER BY lab_id) FROM lab_result ORDER BY lab_id"),
      row("LEAD", SqlStdOperatorTable.LEAD, "SELECT lab_id, LEAD(value) OVER (PARTITION BY person_id ORDER BY lab_id) FROM lab_result ORDER BY lab_id"),
      row("FIRST_VALUE", SqlStdOperatorTable.FIRST_VALUE, "SELECT lab_id, FIRST_VALUE(value) OVER (PARTITION BY person_id ORDER BY lab_id) FROM lab_result ORDER BY lab_id"),
      row("LAST_VALUE", SqlStdOperatorTable.LAST_VALUE, "SELECT lab_id, LAST_VALUE(value) OVER (PARTITION BY person_id ORDER BY lab_id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM lab_result ORDER BY lab_id"),
      row("NTH_VALUE", SqlStdOperatorTable.NTH_VALUE, "SELECT lab_id, NTH_VALUE(value, 2) OVER (PARTITION BY person_id ORDER BY lab_id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM lab_result ORDER BY lab_id"),
      // scalar: conditional and conversion
      row("CAST", SqlStdOperatorTable.CAST, "SELECT CAST(value AS INTEGER), CAST(sampled_date AS VARCHAR) FROM lab_result ORDER BY lab_id LIMIT 5"),
      row("COALESCE", SqlStdOperatorTable.COALESCE, "SELECT COALESCE(discharge_date, admit_date) FROM encounter ORDER BY encounter_id"),
      row("NULLIF", SqlStdOperatorTable.NULLIF, "SELECT NULLIF(encounter_type, 'outpatient') FROM encounter ORDER BY encounter_id"),
      row("IFNULL", SqlLibraryOperators.IFNULL, "SELECT IFNULL(discharge_date, admit_date) FROM encounter ORDER BY encounter_id"),
      row("GREATEST", SqlLibraryOperators.GREATEST, "SELECT GREATEST(admit_date, discharge_date) FROM encounter ORDER BY encounter_id"),
      row("LEAST", SqlLibraryOperators.LEAST, "SELECT LEAST(admit_date, discharge_date) FROM encounter ORDER BY encounter_id"),
      // numeric
      row("ABS", SqlStdOperatorTable.ABS, "SELECT ABS(value - 5) FROM lab_result ORDER BY lab_id"),
      row("ROUND", SqlStdOperatorTable.ROUND, "SELECT ROUND(value, 1) FROM lab_result ORDER BY lab_id"),
      row("FLOOR", SqlStdOperatorTable.FLOOR, "SELECT FLOOR(value) FROM lab_result ORDER BY lab_id"),
      row("CEIL", SqlStdOperatorTable.CEIL, "SELECT CEIL(value) FROM lab_result ORDER BY lab_id"),
      row("TRUNC", DuckDbFunctions.TRUNC, "SELECT TRUNC(value) FROM lab_result ORDER BY lab_id"),
      row("SIGN", SqlStdOperatorTable.SIGN, "SELECT SIGN(value - 5) FROM lab_result ORDER BY lab_id"),
      row("MOD", SqlStdOperatorTable.MOD, "SELECT MOD(lab_id, 7) FROM lab_result ORDER BY lab_id"),
      row("POWER", SqlStdOperatorTable.POWER, "SELECT POWER(value, 2) FROM lab_result ORDER BY lab_id"),
      row("SQRT", SqlStdOperatorTable.SQRT, "SELECT SQRT(ABS(value)) FROM lab_result ORDER BY lab_id"),
      row("EXP", SqlStdOperatorTable.EXP, "SELECT EXP(value / 100) FROM lab_result ORDER BY lab_id"),
      row("LN", SqlStdOperatorTable.LN, "SELECT LN(ABS(value) + 1) FROM lab_result ORDER BY lab_id"),
      row("LOG10", SqlStdOperatorTable.LOG10, "SELECT LOG10(ABS(value) + 1) FROM lab_result ORDER BY lab_id"),
      row("LOG", DuckDbFunctions.LOG, "SELECT ROUND(LOG(value + 1), 6) FROM lab_result ORDER BY lab_id"),
      row("POW", DuckDbFunctions.POW, "SELECT ROUND(POW(weight_kg, 2), 6) FROM vital_sign ORDER BY vital_id"),
      row("LOG2", DuckDbFunctions.LOG2, "SELECT LOG2(ABS(value) + 1) FROM lab_result ORDER BY lab_id"),
      // text
      row("||", SqlStdOperatorTable.CONCAT, "SELECT lab_code || ':' || unit FROM lab_result ORDER BY lab_id"),
      row("CONCAT", SqlLibraryOperators.CONCAT_FUNCTION, "SELECT CONCAT(lab_code, '-', unit) FROM lab_result ORDER BY lab_id"),
      row("UPPER", SqlStdOperatorTable.UPPER, "SELECT UPPER(lab_name) FROM lab_result ORDER BY lab_id"),
      row("LOWER", SqlStdOperatorTable.LOWER, "SELECT LOWER(lab_name) FROM lab_result ORDER BY lab_id"),
      row("LENGTH", SqlLibraryOperators.LENGTH, "SELECT LENGTH(lab_name) FROM lab_result ORDER BY lab_id"),
      row("CHAR_LENGTH", SqlStdOperatorTable.CHAR_LENGTH, "SELECT CHAR_LENGTH(lab_name) FROM lab_result ORDER BY lab_id"),
      row("SUBSTRING", SqlStdOperatorTable.SUBSTRING, "SELECT SUBSTRING(icd10 FROM 1 FOR 3) FROM diagnosis ORDER BY diagnosis_id"),
      row("LEFT", SqlLibraryOperators.LEFT, "SELECT LEFT(icd10, 3) FROM diagnosis ORDER BY diagnosis_id"),
      row("TRIM", SqlStdOperatorTable.TRIM, "SELECT TRIM(lab_name), TRIM(LEADING 'H' FROM lab_name) FROM lab_result ORDER BY lab_id"),
      row("POSITION", SqlStdOperatorTable.POSITION, "SELECT POSITION('A' IN lab_name) FROM lab_result ORDER BY lab_id"),
      row("REPLACE", SqlStdOperatorTable.REPLACE, "SELECT REPLACE(icd10, '.', '') FROM diagnosis ORDER BY diagnosis_id"),
      row("REGEXP_MATCHES", DuckDbFunctions.REGEXP_MATCHES, "SELECT COUNT(*) FROM diagnosis WHERE REGEXP_MATCHES(icd10, '^E1[0-4]')"),
      row("CONTAINS", DuckDbFunctions.CONTAINS, "SELECT COUNT(*) FROM diagnosis WHERE CONTAINS(icd10, '.')"),
      row("ENDS_WITH", DuckDbFunctions.ENDS_WITH, "SELECT COUNT(*) FROM diagnosis WHERE ENDS_WITH(icd10, '9')"),
      row("PREFIX", DuckDbFunctions.PREFIX, "SELECT COUNT(*) FROM diagnosis WHERE PREFIX(icd10, 'E1')"),
      row("SUFFIX", DuckDbFunctions.SUFFIX, "SELECT COUNT(*) FROM diagnosis WHERE SUFFIX(icd10, '.9')"),
      row("STRLEN", DuckDbFunctions.STRLEN, "SELECT STRLEN(diagnosis_name) FROM diagnosis ORDER BY diagnosis_id"),
      row("LPAD", DuckDbFunctions.LPAD, "SELECT LPAD(CAST(MONTH(sampled_date) AS VARCHAR), 2, '0') FROM lab_result ORDER BY lab_id"),
      row("RPAD", DuckDbFunctions.RPAD, "SELECT RPAD(icd10, 6, '_') FROM diagnosis ORDER BY diagnosis_id"),
      row("SPLIT_PART", DuckDbFunctions.SPLIT_PART, "SELECT SPLIT_PART(icd10, '.', 1) FROM diagnosis ORDER BY diagnosis_id"),
      row("RIGHT", DuckDbFunctions.RIGHT, "SELECT RIGHT(icd10, 1) FROM diagnosis ORDER BY diagnosis_id"),
      row("SUBSTR", DuckDbFunctions.SUBSTR, "SELECT SUBSTR(icd10, 1, 3), SUBSTR(icd10, 2) FROM diagnosis ORDER BY diagnosis_id"),
      row("REGEXP_FULL_MATCH", DuckDbFunctions.REGEXP_FULL_MATCH, "SELECT COUNT(*) FROM diagnosis WHERE REGEXP_FULL_MATCH(icd10, '[A-Z][0-9]{2}[.][0-9]')"),
      row("REGEXP_EXTRACT", DuckDbFunctions.REGEXP_EXTRACT, "SELECT REGEXP_EXTRACT(icd10, '^([A-Z])', 1) FROM diagnosis ORDER BY diagnosis_id"),
      row("REGEXP_REPLACE", DuckDbFunctions.REGEXP_REPLACE, "SELECT REGEXP_REPLACE(icd10, '[.]', '', 'g') FROM diagnosis ORDER BY diagnosis_id"),
      row("STARTS_WITH", DuckDbFunctions.STARTS_WITH, "SELECT COUNT(*) FROM diagnosis WHERE STARTS_WITH(icd10, 'I')"),
      // dates
      row("EXTRACT", SqlStdOperatorTable.EXTRACT, "SELECT EXTRACT(YEAR FROM birth_date), EXTRACT(MONTH FROM birth_date) FROM patient ORDER BY person_id"),
      row("CURRENT_DATE", SqlStdOperatorTable.CURRENT_DATE, "SELECT COUNT(*) FROM patient WHERE birth_date < CURRENT_DATE"),
      row("DATE_TRUNC", DuckDbFunctions.DATE_TRUNC, "SELECT DATE_TRUNC('month', sampled_date) AS m, COUNT(*) FROM lab_result GROUP BY m ORDER BY m"),
      row("DATE_DIFF", DuckDbFunctions.DATE_DIFF, "SELECT DATE_DIFF('year', birth_date, DATE '2025-01-01'), datediff('day', admit_date, discharge_date) FROM patient JOIN encounter ON encounter.person_id = patient.person_id ORDER BY encounter_id"),
      row("DATE_PART", DuckDbFunctions.DATE_PART, "SELECT DATE_PART('year', birth_date), datepart('month', birth_date) FROM patient ORDER BY person_id"),
      row("MAKE_DATE", DuckDbFunctions.MAKE_DATE, "SELECT MAKE_DATE(year(birth_date), 4, 1) FROM patient ORDER BY person_id"),
      row("STRPTIME", DuckDbFunctions.STRPTIME, "SELECT STRPTIME('2024-04-01', '%Y-%m-%d') AS t"),
      row("LAST_DAY", DuckDbFunctions.LAST_DAY, "SELECT LAST_DAY(sampled_date) FROM lab_result ORDER BY lab_id"),
      row("DAYNAME", DuckDbFunctions.DAYNAME, "SELECT DAYNAME(sampled_date) FROM lab_result ORDER BY lab_id"),
      row("MONTHNAME", DuckDbFunctions.MONTHNAME, "SELECT MONTHNAME(sampled_date) FROM lab_result ORDER BY lab_id"),
      row("WEEK", DuckDbFunctions.WEEK, "SELECT WEEK(sampled_date), COUNT(*) FROM lab_result GROUP BY 1 ORDER BY 1"),
      row("DAYOFYEAR", DuckDbFunctions.DAYOFYEAR, "SELECT DAYOFYEAR(sampled_date) FROM lab_result ORDER BY lab_id"),
      row("DAYOFMONTH", DuckDbFunctions.DAYOFMONTH, "SELECT DAYOFMONTH(sampled_date) FROM lab_result ORDER BY lab_id"),
      row("DAY", DuckDbFunctions.DAY, "SELECT DAY(sampled_date), COUNT(*) FROM lab_result GROUP BY 1 ORDER BY 1"),
      row("YEARWEEK", DuckDbFunctions.YEARWEEK, "SELECT YEARWEEK(sampled_date), COUNT(*) FROM lab_result GROUP BY 1 ORDER BY 1"),
      row("EPOCH", DuckDbFunctions.EPOCH, "SELECT EPOCH(sampled_date) FROM lab_result ORDER BY lab_id"),
      row("AGE", DuckDbFunctions.AGE, "SELECT CAST(AGE(DATE '2025-01-01', birth_date) AS VARCHAR) FROM patient ORDER BY person_id"),
      row("YEAR", DuckDbFunctions.YEAR, "SELECT YEAR(birth_date), COUNT(*) FROM patient GROUP BY 1 ORDER BY 1"),
      row("MONTH", DuckDbFunctions.MONTH, "SELECT MONTH(sampled_date), COUNT(*) FROM lab_result GROUP BY 1 ORDER BY 1"),
      row("QUARTER", DuckDbFunctions.QUARTER, "SELECT QUARTER(sampled_date) FROM lab_result ORDER BY lab_id"),
      row("DAYOFWEEK", DuckDbFunctions.DAYOFWEEK, "SELECT DAYOFWEEK(sampled_date) FROM lab_result ORDER BY lab_id"),
      row("ISODOW", DuckDbFunctions.ISODOW, "SELECT ISODOW(sampled_date) FROM lab_result ORDER BY lab_id"),
      row("STRFTIME", DuckDbFunctions.STRFTIME, "SELECT STRFTIME(sampled_date, '%Y-%m') FROM lab_result ORDER BY lab_id"));

  private static FunctionRow row(String name, SqlOperator op, String example) {
    return new FunctionRow(name, op, example);
  }

  private static final Map<String, FunctionRow> BY_NAME;

  static {
    Map<String, FunctionRow> m = new LinkedHashMap<>();
    for (FunctionRow r : FUNCTIONS) {
      if (m.put(r.name(), r) != null) {
        throw new IllegalStateException("function listed twice: " + r.name());
      }
    }
    BY_NAME = Map.copyOf(m);
  }

  /** The allowed function of this name (any case), if any. */
  public static Optional<FunctionRow> function(String name) {
    return Optional.ofNullable(BY_NAME.get(name.toUpperCase(Locale.ROOT)));
  }

  /** Why {@code name} is a side channel, if it is one. */
  static Optional<String> sideChannel(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    String why = SIDE_CHANNELS.get(upper);
    if (why != null) {
      return Optional.of(why);
    }
    return SIDE_CHANNEL_PREFIXES.entrySet().stream()
        .filter(e -> upper.startsWith(e.getKey())).map(Map.Entry::getValue).findFirst();
  }

  /**
   * Calcite's operator table for validation: the allowed functions first, then the standard
   * operators the validator resolves syntax (BETWEEN, COUNT(*)) through. Which functions a query
   * may call is decided before validation, by {@link ShapeCheck} against {@link #FUNCTIONS}.
   */
  static SqlOperatorTable operatorTable() {
    java.util.Set<SqlOperator> std = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    std.addAll(SqlStdOperatorTable.instance().getOperatorList());
    List<SqlOperator> extra = new ArrayList<>();
    // Each operator once: a duplicate overload makes Calcite's resolution ambiguous.
    FUNCTIONS.stream().map(FunctionRow::operator).filter(op -> !std.contains(op)).distinct().forEach(extra::add);
    extra.add(SqlLibraryOperators.ILIKE);
    extra.add(SqlLibraryOperators.NOT_ILIKE);
    extra.add(DuckDbFunctions.PLUS);
    extra.add(DuckDbFunctions.MINUS);
    return SqlOperatorTables.chain(WITHOUT_STANDARD_ARITHMETIC, SqlOperatorTables.of(extra));
  }

  /**
   * The standard table without its + and -: the validator re-resolves binary operators by name,
   * and they must resolve to DuckDB's typing (date - date, date + days) only.
   */
  private static final SqlOperatorTable WITHOUT_STANDARD_ARITHMETIC = new SqlOperatorTable() {
    private boolean kept(SqlOperator op) {
      return op != SqlStdOperatorTable.PLUS && op != SqlStdOperatorTable.MINUS;
    }

    @Override
    public void lookupOperatorOverloads(org.apache.calcite.sql.SqlIdentifier opName,
        org.apache.calcite.sql.SqlFunctionCategory category, org.apache.calcite.sql.SqlSyntax syntax,
        List<SqlOperator> operatorList, org.apache.calcite.sql.validate.SqlNameMatcher nameMatcher) {
      List<SqlOperator> found = new ArrayList<>();
      SqlStdOperatorTable.instance().lookupOperatorOverloads(opName, category, syntax, found, nameMatcher);
      found.stream().filter(this::kept).forEach(operatorList::add);
    }

    @Override
    public List<SqlOperator> getOperatorList() {
      return SqlStdOperatorTable.instance().getOperatorList().stream().filter(this::kept).toList();
    }
  };
}
