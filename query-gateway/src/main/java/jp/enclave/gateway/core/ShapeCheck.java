package jp.enclave.gateway.core;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.sql.JoinType;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.sql.fun.SqlBetweenOperator;

/**
 * Stage 2: restrict the query's shape before anything resolves names (as Open Diffix does). The
 * statement must be a query; every call must be allowed syntax or an allowed function; FROM may
 * name only bare tables, subqueries and joins; no parameters, no recursion. Also bounds the
 * tree's size and depth.
 */
final class ShapeCheck {
  private static final Set<TimeUnit> FLOOR_UNITS = EnumSet.of(TimeUnit.YEAR, TimeUnit.QUARTER, TimeUnit.MONTH,
      TimeUnit.WEEK, TimeUnit.DAY, TimeUnit.HOUR, TimeUnit.MINUTE, TimeUnit.SECOND);

  private final GatewayConfig config;
  private int nodes;

  ShapeCheck(GatewayConfig config) {
    this.config = config;
  }

  void check(SqlNode root) {
    if (!Allowlists.STATEMENTS.containsKey(root.getKind())) {
      throw Refusals.denyStatement(root.getParserPosition(), statementName(root));
    }
    visit(root, 0);
  }

  private static String statementName(SqlNode root) {
    String kind = root.getKind().sql.replace('_', ' ');
    return kind.isBlank() ? root.getKind().name() : kind;
  }

  private void visit(SqlNode node, int depth) {
    if (node == null) {
      return;
    }
    if (++nodes > config.maxNodes()) {
      throw Refusals.denyTooManyNodes(nodes, config.maxNodes());
    }
    if (depth > config.maxNestingDepth() * 4) {
      throw Refusals.denyTooDeep(node.getParserPosition().getLineNum(), node.getParserPosition().getColumnNum(),
          config.maxNestingDepth());
    }
    if (node instanceof SqlDynamicParam) {
      throw Refusals.denyParameters(node.getParserPosition());
    }
    if (node instanceof org.apache.calcite.sql.SqlCharStringLiteral lit
        && lit.getValueAs(org.apache.calcite.util.NlsString.class).getCharsetName() != null
        && !lit.getValueAs(org.apache.calcite.util.NlsString.class).getCharsetName().startsWith("UTF-8")) {
      throw Refusals.denyConstruct(node.getParserPosition(), "A string with an escape or character-set prefix (E'..', _charset'..')");
    }
    if (node instanceof SqlNodeList list) {
      for (SqlNode n : list) {
        visit(n, depth + 1);
      }
      return;
    }
    if (!(node instanceof SqlCall call)) {
      return;
    }
    checkCall(call);
    if (call instanceof SqlSelect select) {
      checkFrom(select.getFrom(), depth + 1);
      for (SqlNode operand : select.getOperandList()) {
        if (operand != select.getFrom()) {
          visit(operand, depth + 1);
        }
      }
      return;
    }
    if (call instanceof SqlWith with) {
      for (SqlNode item : with.withList) {
        SqlWithItem w = (SqlWithItem) item;
        if (w.recursive != null && w.recursive.booleanValue()) {
          throw Refusals.denyRecursive(w.getParserPosition());
        }
        visit(w.query, depth + 1);
      }
      visit(with.body, depth + 1);
      return;
    }
    for (SqlNode operand : call.getOperandList()) {
      visit(operand, depth + 1);
    }
  }

  private void checkCall(SqlCall call) {
    SqlOperator op = call.getOperator();
    SqlKind kind = call.getKind();
    if (kind == SqlKind.COLLECTION_TABLE) {
      SqlNode inner = call.operandCount() > 0 ? call.operand(0) : call;
      String name = inner instanceof SqlCall c ? c.getOperator().getName() : op.getName();
      throw Refusals.denyTableFunction(call.getParserPosition(), name);
    }
    if (op instanceof SqlBetweenOperator between) {
      if (between.flag == SqlBetweenOperator.Flag.SYMMETRIC) {
        throw Refusals.denyConstruct(call.getParserPosition(), "BETWEEN SYMMETRIC");
      }
      return;
    }
    if (Allowlists.STAR_MODIFIERS.contains(op.getName()) || op.getName().equals(InputGuard.DISTINCT_ON_MARKER)) {
      return;
    }
    if (op instanceof SqlFunction || kind == SqlKind.OTHER || kind == SqlKind.OTHER_FUNCTION) {
      String name = op.getName();
      if (Allowlists.function(name).isEmpty()) {
        var side = Allowlists.sideChannel(name);
        if (side.isPresent()) {
          throw Refusals.denySideChannel(call.getParserPosition(), name, side.get());
        }
        throw Refusals.denyFunction(call.getParserPosition(), name);
      }
      if ((kind == SqlKind.FLOOR || kind == SqlKind.CEIL) && call.operandCount() == 2) {
        TimeUnit unit = EnclaveDuckDbDialect.unit(call.operand(1));
        if (kind == SqlKind.CEIL || !FLOOR_UNITS.contains(unit)) {
          throw Refusals.denyConstruct(call.getParserPosition(), kind + "(... TO " + unit + ")");
        }
      }
      return;
    }
    if (call instanceof SqlJoin join) {
      if (join.isNatural()) {
        throw Refusals.denyConstruct(join.getParserPosition(), "NATURAL JOIN (name the join columns with ON or USING)");
      }
      if (join.getJoinType() != JoinType.INNER && join.getJoinType() != JoinType.LEFT
          && join.getJoinType() != JoinType.RIGHT && join.getJoinType() != JoinType.FULL
          && join.getJoinType() != JoinType.CROSS && join.getJoinType() != JoinType.COMMA) {
        throw Refusals.denyConstruct(join.getParserPosition(), join.getJoinType() + " JOIN");
      }
      return;
    }
    if (!Allowlists.SYNTAX.contains(kind)) {
      String what = Allowlists.CONSTRUCT_NAMES.getOrDefault(kind, kind.sql.isBlank() ? kind.name() : kind.sql);
      throw Refusals.denyConstruct(call.getParserPosition(), what);
    }
  }

  /** FROM items: bare table names, aliased items, subqueries, VALUES and joins of those. */
  private void checkFrom(SqlNode from, int depth) {
    if (from == null) {
      return;
    }
    if (from instanceof SqlIdentifier id) {
      checkTableName(id);
      return;
    }
    if (from instanceof SqlJoin join) {
      checkCall(join);
      checkFrom(join.getLeft(), depth + 1);
      checkFrom(join.getRight(), depth + 1);
      visit(join.getCondition(), depth + 1);
      return;
    }
    if (from instanceof SqlBasicCall call && call.getKind() == SqlKind.AS) {
      checkFrom(call.operand(0), depth + 1);
      return;
    }
    if (from instanceof SqlCall call) {
      SqlKind k = call.getKind();
      if (k == SqlKind.SELECT || k == SqlKind.UNION || k == SqlKind.INTERSECT || k == SqlKind.EXCEPT
          || k == SqlKind.WITH || k == SqlKind.ORDER_BY || k == SqlKind.VALUES) {
        visit(call, depth + 1);
        return;
      }
      checkCall(call);
      throw Refusals.denyConstruct(call.getParserPosition(), "this kind of FROM item");
    }
    throw Refusals.denyConstruct(from.getParserPosition(), "this kind of FROM item");
  }

  private static void checkTableName(SqlIdentifier id) {
    List<String> names = id.names;
    String first = names.get(0).toUpperCase(Locale.ROOT);
    String last = names.get(names.size() - 1);
    if (Allowlists.SYSTEM_SCHEMAS.contains(first) || Allowlists.sideChannel(last).isPresent()
        || Allowlists.SYSTEM_SCHEMAS.contains(last.toUpperCase(Locale.ROOT))) {
      throw Refusals.denySystemCatalog(id.getParserPosition(), id.toString());
    }
    if (names.size() > 1) {
      throw Refusals.denyOtherProject(id.getParserPosition(), id.toString());
    }
    if (id.isStar()) {
      throw Refusals.denyConstruct(id.getParserPosition(), "this kind of FROM item");
    }
  }
}
