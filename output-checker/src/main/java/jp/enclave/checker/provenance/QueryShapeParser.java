package jp.enclave.checker.provenance;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jp.enclave.checker.Refusal;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.dialect.DuckDBSqlDialect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

/**
 * Reads a cited query with Calcite's parser (lenient conformance, double-quoted identifiers,
 * case kept, as the gateway unparses DuckDB SQL) and extracts its {@link AggregateQuery} shape.
 * Anything whose cells cannot be recomputed person by person is refused with the reason.
 */
public final class QueryShapeParser {
  static final String PERSON_COLUMN = "person_id";
  private static final java.util.Set<String> AGGREGATE_NAMES = java.util.Set.of("COUNT", "SUM", "AVG", "MEAN", "MIN", "MAX",
      "MEDIAN", "MODE", "STDDEV", "STDDEV_SAMP", "STDDEV_POP", "VARIANCE", "VAR_SAMP", "VAR_POP", "QUANTILE", "QUANTILE_CONT",
      "QUANTILE_DISC", "LIST", "ARRAY_AGG", "STRING_AGG", "ANY_VALUE", "FIRST", "LAST", "ARG_MAX", "ARG_MIN", "BIT_AND", "BIT_OR",
      "BOOL_AND", "BOOL_OR", "PRODUCT", "HISTOGRAM", "ENTROPY", "KURTOSIS", "SKEWNESS", "APPROX_COUNT_DISTINCT");
  private static final SqlParser.Config CONFIG = SqlParser.config()
      .withConformance(SqlConformanceEnum.LENIENT)
      .withQuoting(Quoting.DOUBLE_QUOTE)
      .withUnquotedCasing(Casing.UNCHANGED)
      .withQuotedCasing(Casing.UNCHANGED)
      .withCaseSensitive(false)
      .withIdentifierMaxLength(1024);

  public AggregateQuery parse(String sql) throws Refusal {
    Statement st = statement(sql);
    List<SqlNode> groupBy = new ArrayList<>();
    List<List<SqlNode>> groupingSets = GroupingSets.expand(st.select().getGroup(), groupBy);
    SelectList items = selectList(st.select(), groupBy);
    List<String> bases = baseQueries(st, items, groupingSets);
    return new AggregateQuery(items.keys(), items.measures(), bases, st.filtersCells());
  }

  /** The final SELECT of a cited query, the CTEs around it, and whether rows are cut (LIMIT, HAVING). */
  private record Statement(SqlWith with, SqlSelect select, boolean filtersCells) {}

  /** The select list read as grouping keys (with their select-list positions) and aggregates (with their arguments). */
  private record SelectList(List<AggregateQuery.Key> keys, List<SqlNode> keyExprs, List<Integer> keyPositions,
                            List<AggregateQuery.Measure> measures, List<SqlNode> measureArgs) {}

  private static Statement statement(String sql) throws Refusal {
    SqlNode node;
    try {
      node = SqlParser.create(sql, CONFIG).parseQuery();
    } catch (SqlParseException e) {
      throw refusal("the cited SQL cannot be parsed: " + firstLine(e.getMessage()));
    }
    boolean filters = false;
    // WITH … SELECT: the CTEs stay as written around the rewritten final SELECT.
    SqlWith with = null;
    if (node instanceof SqlWith w) {
      with = w;
      node = w.body;
    }
    if (node instanceof SqlOrderBy ob) {
      filters = ob.fetch != null || ob.offset != null;
      node = ob.query;
    }
    if (!(node instanceof SqlSelect select)) {
      throw refusal("only a SELECT … GROUP BY query (with CTEs, joins and FILTER) can be recomputed, not a " + node.getKind());
    }
    if (select.isDistinct()) {
      throw refusal("SELECT DISTINCT cannot be recomputed per person");
    }
    if (select.getFrom() == null) {
      throw refusal("the query has no FROM clause");
    }
    if (select.getWindowList() != null && !select.getWindowList().isEmpty()) {
      throw refusal("window functions cannot be recomputed per person");
    }
    filters |= select.getHaving() != null || select.getFetch() != null || select.getOffset() != null;
    return new Statement(with, select, filters);
  }

  private static SelectList selectList(SqlSelect select, List<SqlNode> groupBy) throws Refusal {
    SelectList out = new SelectList(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    int position = 0;
    for (SqlNode item : select.getSelectList()) {
      position++;
      SqlNode expr = item;
      String name = null;
      if (item.getKind() == SqlKind.AS) {
        SqlCall as = (SqlCall) item;
        expr = as.operand(0);
        name = ((SqlIdentifier) as.operand(1)).getSimple();
      }
      if (expr instanceof SqlIdentifier id && id.isStar()) {
        throw refusal("SELECT * cannot be an aggregate table");
      }
      if (containsOver(expr)) {
        throw refusal("window functions cannot be recomputed per person");
      }
      String outName = name == null ? defaultName(expr, position) : name;
      if (!addMeasure(expr, outName, out)) {
        if (containsAggregate(expr)) {
          throw refusal("the select item '" + unparse(expr) + "' combines aggregates in an expression; "
              + "select each aggregate on its own so it can be recomputed");
        }
        if (!isGroupKey(expr, name, position, groupBy)) {
          throw refusal("the select item '" + unparse(expr) + "' is neither a GROUP BY key nor an aggregate");
        }
        out.keys().add(new AggregateQuery.Key(outName, unparse(expr)));
        out.keyExprs().add(expr);
        out.keyPositions().add(position);
      }
    }
    if (out.measures().isEmpty()) {
      throw refusal("the query has no aggregate to recompute");
    }
    return out;
  }

  /**
   * An aggregate select item joins the measures with the argument recomputation reads. A
   * FILTER is folded in: agg(x) FILTER (WHERE c) is agg(CASE WHEN c THEN x END), the same cells,
   * and the persons behind a cell are those with a non-null argument as for any aggregate.
   */
  private static boolean addMeasure(SqlNode item, String name, SelectList out) throws Refusal {
    SqlNode expr = item;
    SqlNode filter = null;
    if (expr.getKind() == SqlKind.FILTER) {
      filter = ((SqlCall) expr).operand(1);
      expr = ((SqlCall) expr).operand(0);
    }
    AggregateQuery.Measure m = measureOf(expr, name, filter != null);
    if (m == null) {
      return false;
    }
    SqlNode plainArg = m.argSql() == null ? null : ((SqlCall) expr).operand(0);
    SqlNode arg = filter == null ? plainArg : filtered(filter, plainArg);
    if (filter != null) {
      m = new AggregateQuery.Measure(m.name(), m.function().equals("COUNT_STAR") ? "COUNT" : m.function(), unparse(arg), null,
          m.quantile());
    }
    out.measures().add(m);
    out.measureArgs().add(arg);
    return true;
  }

  /**
   * The base queries: the cited WITH, FROM and WHERE selecting what recomputation needs, one per
   * grouping set. Unparsing the whole SELECT (not FROM alone) keeps joins and subqueries valid.
   */
  private static List<String> baseQueries(Statement st, SelectList items, List<List<SqlNode>> groupingSets) {
    SqlSelect select = st.select();
    List<SqlNode> keyExprs = items.keyExprs();
    SqlNodeList base = new SqlNodeList(SqlParserPos.ZERO);
    for (int i = 0; i < keyExprs.size(); i++) {
      base.add(as(keyExprs.get(i), "k" + i));
    }
    List<String> person = new ArrayList<>();
    String qualifier = leftmostTable(select.getFrom());
    if (qualifier != null) {
      person.add(qualifier);
    }
    person.add(PERSON_COLUMN);
    base.add(as(new SqlIdentifier(person, SqlParserPos.ZERO), "__pid"));
    // Aggregates over the same argument share one base column (SUM(cost) and AVG(cost) read it once).
    java.util.Map<String, String> argColumn = new java.util.HashMap<>();
    List<AggregateQuery.Measure> measures = items.measures();
    for (int j = 0; j < measures.size(); j++) {
      AggregateQuery.Measure m = measures.get(j);
      if (items.measureArgs().get(j) != null) {
        String column = argColumn.get(m.argSql());
        if (column == null) {
          column = "a" + argColumn.size();
          argColumn.put(m.argSql(), column);
          base.add(as(items.measureArgs().get(j), column));
        }
        measures.set(j, m.withArg(column));
      }
    }
    select.setGroupBy(null);
    select.setHaving(null);
    select.setOrderBy(null);
    select.setFetch(null);
    select.setOffset(null);
    List<String> bases = new ArrayList<>();
    for (List<SqlNode> set : groupingSets) {
      // Keys rolled up in this grouping set are NULL in the query's output, so they are here.
      SqlNodeList list = new SqlNodeList(SqlParserPos.ZERO);
      for (int i = 0; i < base.size(); i++) {
        SqlNode item = base.get(i);
        if (i < keyExprs.size() && set != null
            && !GroupingSets.contains(set, keyExprs.get(i), items.keys().get(i).name(), items.keyPositions().get(i))) {
          item = as(SqlLiteral.createNull(SqlParserPos.ZERO), "k" + i);
        }
        list.add(item);
      }
      select.setSelectList(list);
      bases.add(st.with() == null ? unparse(select) : unparse(new SqlWith(SqlParserPos.ZERO, st.with().withList, select)));
    }
    return bases;
  }

  private static Refusal refusal(String sentence) {
    return new Refusal("QUERY_NOT_RECOMPUTABLE", sentence);
  }

  private static String firstLine(String m) {
    String s = m == null ? "" : m;
    int nl = s.indexOf('\n');
    return nl > 0 ? s.substring(0, nl) : s;
  }

  /** CASE WHEN condition THEN argument END (argument 1 for COUNT(*)). */
  private static SqlNode filtered(SqlNode condition, SqlNode arg) throws Refusal {
    String then = arg == null ? "1" : unparse(arg);
    try {
      return SqlParser.create("CASE WHEN " + unparse(condition) + " THEN " + then + " END", CONFIG).parseExpression();
    } catch (SqlParseException e) {
      throw refusal("the FILTER condition cannot be rewritten: " + e.getMessage());
    }
  }

  private static AggregateQuery.Measure measureOf(SqlNode expr, String name, boolean filtered) throws Refusal {
    if (!(expr instanceof SqlCall call) || expr.getKind() == SqlKind.AS) {
      return null;
    }
    if (call.getKind() == SqlKind.FILTER || call.getKind() == SqlKind.WITHIN_GROUP) {
      throw refusal("aggregate '" + name + "' uses WITHIN GROUP, which is not supported");
    }
    String op = call.getOperator().getName().toUpperCase(Locale.ROOT);
    boolean distinct = call.getFunctionQuantifier() != null
        && "DISTINCT".equalsIgnoreCase(call.getFunctionQuantifier().toValue());
    List<SqlNode> args = call.getOperandList();
    switch (op) {
      case "COUNT":
        if (args.isEmpty() || (args.size() == 1 && args.get(0) instanceof SqlIdentifier id && id.isStar())) {
          return new AggregateQuery.Measure(name, "COUNT_STAR", null, null, 0);
        }
        if (distinct) {
          boolean persons = args.get(0) instanceof SqlIdentifier id
              && PERSON_COLUMN.equalsIgnoreCase(id.names.get(id.names.size() - 1));
          if (persons && filtered) {
            // Persons with the condition: the distinct non-null arguments, recomputed as such.
            return new AggregateQuery.Measure(name, "COUNT_DISTINCT", unparse(args.get(0)), null, 0);
          }
          return new AggregateQuery.Measure(name, persons ? "COUNT_PERSONS" : "COUNT_DISTINCT", unparse(args.get(0)), null, 0);
        }
        return new AggregateQuery.Measure(name, "COUNT", unparse(args.get(0)), null, 0);
      case "SUM": case "AVG": case "MIN": case "MAX": case "MEDIAN":
        requireOneArg(op, args, distinct);
        return new AggregateQuery.Measure(name, op, unparse(args.get(0)), null, 0);
      case "MEAN":
        requireOneArg(op, args, distinct);
        return new AggregateQuery.Measure(name, "AVG", unparse(args.get(0)), null, 0);
      case "STDDEV": case "STDDEV_SAMP": case "STDDEV_POP":
        requireOneArg(op, args, distinct);
        return new AggregateQuery.Measure(name, "STDDEV", unparse(args.get(0)), null, 0);
      case "QUANTILE": case "QUANTILE_CONT": case "QUANTILE_DISC":
        if (args.size() != 2 || !(args.get(1) instanceof SqlNumericLiteral q)) {
          throw refusal("aggregate '" + name + "': " + op + " needs a column and a literal fraction");
        }
        return new AggregateQuery.Measure(name, "QUANTILE", unparse(args.get(0)), null, q.bigDecimalValue().doubleValue());
      default:
        if (call.getOperator().isAggregator() || AGGREGATE_NAMES.contains(op)) {
          throw refusal("aggregate " + op + " cannot be recomputed per person");
        }
        return null;
    }
  }

  private static void requireOneArg(String op, List<SqlNode> args, boolean distinct) throws Refusal {
    if (args.size() != 1 || distinct) {
      throw refusal(op + " must take one column without DISTINCT to be recomputed");
    }
  }

  private static boolean isGroupKey(SqlNode expr, String alias, int position, List<SqlNode> groupBy) {
    for (SqlNode g : groupBy) {
      if (g.equalsDeep(expr, org.apache.calcite.util.Litmus.IGNORE)) {
        return true;
      }
      if (alias != null && g instanceof SqlIdentifier id && id.isSimple() && id.getSimple().equalsIgnoreCase(alias)) {
        return true;
      }
      if (g instanceof SqlNumericLiteral n && n.isInteger() && n.intValue(false) == position) {
        return true;
      }
    }
    return false;
  }

  private static String defaultName(SqlNode expr, int position) {
    if (expr instanceof SqlIdentifier id) {
      return id.names.get(id.names.size() - 1);
    }
    return "col" + position;
  }

  private static String leftmostTable(SqlNode from) {
    SqlNode n = from;
    while (true) {
      if (n instanceof SqlJoin j) {
        n = j.getLeft();
      } else if (n.getKind() == SqlKind.AS) {
        return ((SqlIdentifier) ((SqlCall) n).operand(1)).getSimple();
      } else if (n instanceof SqlIdentifier id) {
        return id.names.get(id.names.size() - 1);
      } else {
        return null;
      }
    }
  }

  private static boolean containsAggregate(SqlNode expr) {
    Boolean found = expr.accept(new SqlBasicVisitor<Boolean>() {
      @Override
      public Boolean visit(SqlCall call) {
        // Before validation most calls are unresolved functions, so aggregates are known by name.
        if (call.getOperator().isAggregator() || AGGREGATE_NAMES.contains(call.getOperator().getName().toUpperCase(Locale.ROOT))) {
          return true;
        }
        for (SqlNode o : call.getOperandList()) {
          if (o != null && Boolean.TRUE.equals(o.accept(this))) {
            return true;
          }
        }
        return false;
      }

      @Override
      public Boolean visit(SqlIdentifier id) { return false; }

      @Override
      public Boolean visit(SqlLiteral literal) { return false; }

      @Override
      public Boolean visit(SqlNodeList nodeList) {
        for (SqlNode o : nodeList) {
          if (o != null && Boolean.TRUE.equals(o.accept(this))) {
            return true;
          }
        }
        return false;
      }
    });
    return Boolean.TRUE.equals(found);
  }

  private static boolean containsOver(SqlNode expr) {
    return expr.toString().toUpperCase(Locale.ROOT).contains(" OVER ") || expr.getKind() == SqlKind.OVER;
  }

  private static SqlNode as(SqlNode e, String alias) {
    return SqlStdOperatorTable.AS.createCall(SqlParserPos.ZERO, e, new SqlIdentifier(alias, SqlParserPos.ZERO));
  }

  static String unparse(SqlNode n) {
    return n.toSqlString(DuckDBSqlDialect.DEFAULT).getSql();
  }

  static String quote(String ident) {
    return "\"" + ident.replace("\"", "\"\"") + "\"";
  }
}
