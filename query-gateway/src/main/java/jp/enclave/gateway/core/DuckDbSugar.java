package jp.enclave.gateway.core;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.util.SqlShuttle;

/**
 * DuckDB shorthand written out in standard SQL before the shape check, so every later stage
 * (allowlists, validation, both column checks, the unparse) sees only forms it already knows:
 * {@code x::T} becomes {@code CAST(x AS T)}; {@code GROUP BY ALL} groups by the ordinals of the
 * select items that hold no aggregate; {@code ORDER BY ALL} orders by every select item in turn;
 * a table alias list shorter than the table ({@code patient AS p(pid)}) keeps the names of the
 * columns it does not rename.
 * The result means what DuckDB gives the shorthand.
 */
final class DuckDbSugar extends SqlShuttle {
  private final ProjectCatalog catalog;

  private DuckDbSugar(ProjectCatalog catalog) {
    this.catalog = catalog;
  }

  static SqlNode expand(SqlNode root, ProjectCatalog catalog) {
    return root.accept(new DuckDbSugar(catalog));
  }

  @Override
  public SqlNode visit(SqlCall call) {
    if (call.getOperator() instanceof org.apache.calcite.sql.SqlBinaryOperator op
        && (op.getKind() == SqlKind.PLUS || op.getKind() == SqlKind.MINUS)
        && op != DuckDbFunctions.PLUS && op != DuckDbFunctions.MINUS) {
      // Same symbol and meaning, typed as DuckDB types them (date - date, date + days).
      SqlCall typed = (op.getKind() == SqlKind.PLUS ? DuckDbFunctions.PLUS : DuckDbFunctions.MINUS)
          .createCall(call.getParserPosition(), call.getOperandList());
      return super.visit(typed);
    }
    if (call.getKind() == SqlKind.CAST && call.getOperator() != SqlStdOperatorTable.CAST && call.operandCount() == 2) {
      // Babel's x::T (the infix cast) as the standard CAST(x AS T).
      SqlNode operand = call.operand(0).accept(this);
      return SqlStdOperatorTable.CAST.createCall(call.getParserPosition(), operand, call.operand(1));
    }
    if (call instanceof SqlOrderBy orderBy && (isAll(orderBy.orderList) || distinctOn(orderBy.query) != null)) {
      SqlNodeList order = orderBy.orderList;
      if (orderBy.query instanceof SqlSelect select && distinctOn(select) != null) {
        // DISTINCT ON keeps the first row of each key in the query's own order.
        expandDistinctOn(select, isAll(order) ? allOrdinals(select, order) : order);
      }
      SqlNode query = orderBy.query.accept(this);
      if (isAll(order)) {
        order = allOrdinals(query, order);
      }
      return new SqlOrderBy(orderBy.getParserPosition(), query, order, orderBy.offset, orderBy.fetch);
    }
    if (call.getKind() == SqlKind.AS && call.operandCount() > 2 && call.operand(0) instanceof SqlIdentifier table) {
      var info = catalog.table(table.names.get(table.names.size() - 1));
      if (info.isPresent() && call.operandCount() - 2 < info.get().columns().size()) {
        List<SqlNode> operands = new ArrayList<>(call.getOperandList());
        List<ProjectCatalog.ColumnInfo> columns = new ArrayList<>(info.get().columns().values());
        for (int i = call.operandCount() - 2; i < columns.size(); i++) {
          operands.add(new SqlIdentifier(columns.get(i).name(), call.getParserPosition()));
        }
        return call.getOperator().createCall(call.getFunctionQuantifier(), call.getParserPosition(),
            operands.toArray(new SqlNode[0]));
      }
    }
    if (call instanceof SqlSelect select) {
      if (distinctOn(select) != null) {
        expandDistinctOn(select, select.getOrderList() == null ? SqlNodeList.EMPTY : select.getOrderList());
      }
      SqlCall out = (SqlCall) super.visit(select);
      SqlSelect s = (SqlSelect) out;
      if (isAll(s.getGroup())) {
        s.setGroupBy(groupByAll(s));
      }
      if (isAll(s.getOrderList())) {
        s.setOrderBy(allOrdinals(s, s.getOrderList()));
      }
      return s;
    }
    return super.visit(call);
  }

  /** The DISTINCT ON keys the input guard put first in the select list, if any. */
  private static SqlCall distinctOn(SqlNode query) {
    if (query instanceof SqlSelect select && select.getSelectList().size() > 0
        && select.getSelectList().get(0) instanceof SqlCall c
        && c.getOperator().getName().equals(InputGuard.DISTINCT_ON_MARKER)) {
      return c;
    }
    return null;
  }

  /**
   * DISTINCT ON (keys) ... ORDER BY o as DuckDB means it: QUALIFY row_number() OVER (PARTITION BY
   * keys ORDER BY o) = 1. Ordinals and select aliases in o are replaced by their expressions.
   */
  private static void expandDistinctOn(SqlSelect select, SqlNodeList order) {
    SqlCall marker = distinctOn(select);
    java.util.List<SqlNode> items = new ArrayList<>(select.getSelectList().getList());
    items.remove(0);
    select.setSelectList(new SqlNodeList(items, select.getSelectList().getParserPosition()));
    List<SqlNode> keys = new ArrayList<>();
    for (SqlNode k : marker.getOperandList()) {
      keys.add(resolveItem(k, items));
    }
    List<SqlNode> orderKeys = new ArrayList<>();
    for (SqlNode o : order) {
      orderKeys.add(resolveOrderKey(o, items));
    }
    org.apache.calcite.sql.parser.SqlParserPos pos = marker.getParserPosition();
    org.apache.calcite.sql.SqlWindow window = org.apache.calcite.sql.SqlWindow.create(null, null,
        new SqlNodeList(keys, pos), new SqlNodeList(orderKeys, pos), SqlLiteral.createBoolean(true, pos), null, null,
        null, pos);
    SqlNode rowNumber = SqlStdOperatorTable.OVER.createCall(pos,
        SqlStdOperatorTable.ROW_NUMBER.createCall(pos), window);
    SqlNode first = SqlStdOperatorTable.EQUALS.createCall(pos, rowNumber, SqlLiteral.createExactNumeric("1", pos));
    SqlNode qualify = select.getQualify();
    select.setQualify(qualify == null ? first : SqlStdOperatorTable.AND.createCall(pos, qualify, first));
  }

  private static SqlNode resolveOrderKey(SqlNode o, List<SqlNode> items) {
    if (o instanceof SqlCall c && c.operandCount() == 1
        && (c.getKind() == SqlKind.DESCENDING || c.getKind() == SqlKind.NULLS_FIRST || c.getKind() == SqlKind.NULLS_LAST)) {
      return c.getOperator().createCall(c.getParserPosition(), resolveOrderKey(c.operand(0), items));
    }
    return resolveItem(o, items);
  }

  /** An ordinal or a select alias as the expression it names; anything else as written. */
  private static SqlNode resolveItem(SqlNode n, List<SqlNode> items) {
    if (n instanceof SqlLiteral lit && lit.getTypeName() == org.apache.calcite.sql.type.SqlTypeName.DECIMAL) {
      int k = lit.intValue(true);
      if (k >= 1 && k <= items.size()) {
        SqlNode item = items.get(k - 1);
        return item.getKind() == SqlKind.AS ? ((SqlCall) item).operand(0) : item;
      }
    }
    if (n instanceof SqlIdentifier id && id.isSimple()) {
      for (SqlNode item : items) {
        if (item.getKind() == SqlKind.AS && ((SqlCall) item).operand(1) instanceof SqlIdentifier alias
            && alias.getSimple().equalsIgnoreCase(id.getSimple())
            && !(((SqlCall) item).operand(0) instanceof SqlIdentifier)) {
          return ((SqlCall) item).operand(0);
        }
      }
    }
    return n;
  }

  private static boolean isAll(SqlNodeList list) {
    return list != null && list.size() == 1 && placeholder(list.get(0)) != null;
  }

  /** The placeholder identifier the input guard put for ALL, under any DESC / NULLS wrappers. */
  private static SqlIdentifier placeholder(SqlNode n) {
    if (n instanceof SqlIdentifier id && id.isSimple() && id.getSimple().equals(InputGuard.ALL_PLACEHOLDER)) {
      return id;
    }
    if (n instanceof SqlCall c && c.operandCount() == 1
        && (c.getKind() == SqlKind.DESCENDING || c.getKind() == SqlKind.NULLS_FIRST || c.getKind() == SqlKind.NULLS_LAST)) {
      return placeholder(c.operand(0));
    }
    return null;
  }

  private static SqlNodeList groupByAll(SqlSelect select) {
    SqlNodeList items = plainItems(select, "GROUP BY ALL");
    List<SqlNode> keys = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (!hasAggregate(items.get(i))) {
        keys.add(SqlLiteral.createExactNumeric(Integer.toString(i + 1), items.get(i).getParserPosition()));
      }
    }
    return new SqlNodeList(keys, select.getGroup().getParserPosition());
  }

  /** ORDER BY ALL [DESC] [NULLS ...]: every select item in turn, each with the same direction. */
  private static SqlNodeList allOrdinals(SqlNode query, SqlNodeList order) {
    SqlNode first = query;
    // A set operation's columns are its first branch's.
    while (first instanceof SqlCall c && (c.getKind() == SqlKind.UNION || c.getKind() == SqlKind.INTERSECT
        || c.getKind() == SqlKind.EXCEPT || c.getKind() == SqlKind.WITH)) {
      first = c instanceof org.apache.calcite.sql.SqlWith w ? w.body : c.operand(0);
    }
    if (!(first instanceof SqlSelect select)) {
      throw Refusals.denyConstruct(order.getParserPosition(), "ORDER BY ALL here (name the columns)");
    }
    SqlNodeList items = plainItems(select, "ORDER BY ALL");
    List<SqlNode> keys = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      SqlNode key = SqlLiteral.createExactNumeric(Integer.toString(i + 1), order.getParserPosition());
      keys.add(wrapLike(order.get(0), key));
    }
    return new SqlNodeList(keys, order.getParserPosition());
  }

  private static SqlNode wrapLike(SqlNode template, SqlNode key) {
    if (template instanceof SqlCall c && c.operandCount() == 1) {
      return c.getOperator().createCall(c.getParserPosition(), wrapLike(c.operand(0), key));
    }
    return key;
  }

  private static SqlNodeList plainItems(SqlSelect select, String what) {
    for (SqlNode item : select.getSelectList()) {
      SqlNode e = item.getKind() == SqlKind.AS ? ((SqlCall) item).operand(0) : item;
      if (e instanceof SqlIdentifier id && id.isStar() || e.getKind() == SqlKind.OTHER && e.toString().contains("*")) {
        throw Refusals.denyConstruct(item.getParserPosition(), what + " with * in the select list (name the columns)");
      }
    }
    return select.getSelectList();
  }

  /** True if the expression calls an aggregate outside any window (OVER). */
  private static boolean hasAggregate(SqlNode node) {
    if (!(node instanceof SqlCall call)) {
      return false;
    }
    if (call.getKind() == SqlKind.OVER) {
      return false;
    }
    if (isAggregate(call.getOperator())) {
      return true;
    }
    for (SqlNode operand : call.getOperandList()) {
      if (operand != null && hasAggregate(operand)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isAggregate(SqlOperator op) {
    return op.isAggregator()
        || Allowlists.function(op.getName()).map(r -> r.operator().isAggregator()).orElse(false);
  }
}
