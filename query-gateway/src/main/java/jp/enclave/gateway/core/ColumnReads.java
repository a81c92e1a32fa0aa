package jp.enclave.gateway.core;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Which base-table columns a validated query reads, anywhere (select list, filters, joins,
 * grouping, windows, ordering). Conservative by construction: after identifier expansion every
 * column reference is {@code alias.column}; an alias that names a base table anywhere in the query
 * counts as that table, and an unqualified name counts for every referenced table that has such a
 * column. It may over-count (deny more), never under-count.
 */
final class ColumnReads {
  /** Columns read per base table (catalog spelling), with the first position each is referenced at. */
  record Reads(Map<String, Map<String, SqlParserPos>> columnsByTable) {
    Set<String> tables() {
      return columnsByTable.keySet();
    }
  }

  private final ProjectCatalog catalog;
  private final Map<String, Set<String>> aliasToTables = new HashMap<>();
  private final Set<String> baseTables = new HashSet<>();
  private final List<SqlIdentifier> columnRefs = new java.util.ArrayList<>();

  private ColumnReads(ProjectCatalog catalog) {
    this.catalog = catalog;
  }

  static Reads of(ProjectCatalog catalog, SqlNode validated) {
    ColumnReads c = new ColumnReads(catalog);
    c.walk(validated);
    return c.resolve();
  }

  private Reads resolve() {
    Map<String, Map<String, SqlParserPos>> out = new TreeMap<>();
    for (String t : baseTables) {
      out.put(catalog.table(t).orElseThrow().name(), new LinkedHashMap<>());
    }
    for (SqlIdentifier id : columnRefs) {
      if (id.isStar()) {
        continue;
      }
      String column = id.names.get(id.names.size() - 1);
      Set<String> tables;
      if (id.names.size() >= 2) {
        String qualifier = id.names.get(id.names.size() - 2).toLowerCase(Locale.ROOT);
        tables = aliasToTables.getOrDefault(qualifier, Set.of());
      } else {
        tables = baseTables;
      }
      for (String t : tables) {
        ProjectCatalog.TableInfo info = catalog.table(t).orElseThrow();
        info.column(column).ifPresent(ci ->
            out.get(info.name()).putIfAbsent(ci.name(), id.getParserPosition()));
      }
    }
    return new Reads(out);
  }

  private void walk(SqlNode node) {
    if (node == null) {
      return;
    }
    if (node instanceof SqlIdentifier id) {
      columnRefs.add(id);
      return;
    }
    if (node instanceof SqlNodeList list) {
      list.forEach(this::walk);
      return;
    }
    if (!(node instanceof SqlCall call)) {
      return;
    }
    if (call instanceof SqlSelect select) {
      from(select.getFrom());
      for (SqlNode operand : select.getOperandList()) {
        if (operand != select.getFrom()) {
          walk(operand);
        }
      }
      return;
    }
    if (call instanceof SqlWith with) {
      for (SqlNode item : with.withList) {
        walk(((SqlWithItem) item).query);
      }
      walk(with.body);
      return;
    }
    if (call.getKind() == SqlKind.AS) {
      walk(call.operand(0));
      return;
    }
    if (call.getKind() == SqlKind.OVER) {
      walk(call.operand(0));
      SqlNode window = call.operand(1);
      if (!(window instanceof SqlIdentifier)) {
        walk(window);
      }
      return;
    }
    if (call.getKind() == SqlKind.WINDOW) {
      org.apache.calcite.sql.SqlWindow w = (org.apache.calcite.sql.SqlWindow) call;
      walk(w.getPartitionList());
      walk(w.getOrderList());
      return;
    }
    for (SqlNode operand : call.getOperandList()) {
      walk(operand);
    }
  }

  private void from(SqlNode from) {
    if (from == null) {
      return;
    }
    if (from instanceof SqlIdentifier id) {
      registerTable(id, id.names.get(id.names.size() - 1));
      return;
    }
    if (from instanceof SqlJoin join) {
      from(join.getLeft());
      from(join.getRight());
      walk(join.getCondition());
      return;
    }
    if (from instanceof SqlBasicCall call && call.getKind() == SqlKind.AS) {
      SqlNode source = call.operand(0);
      String alias = ((SqlIdentifier) call.operand(1)).getSimple();
      if (source instanceof SqlIdentifier id) {
        registerTable(id, alias);
      } else {
        walk(source);
      }
      return;
    }
    walk(from);
  }

  private void registerTable(SqlIdentifier id, String alias) {
    String name = id.names.get(id.names.size() - 1);
    catalog.table(name).ifPresent(t -> {
      String key = t.name().toLowerCase(Locale.ROOT);
      baseTables.add(key);
      aliasToTables.computeIfAbsent(alias.toLowerCase(Locale.ROOT), k -> new HashSet<>()).add(key);
    });
  }
}
