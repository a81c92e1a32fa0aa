package jp.enclave.gateway.core;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.sql2rel.StandardConvertletTable;

/**
 * Which base-table columns a validated query reads: the first of the gateway's two independent
 * column checks. Names are not trusted at all: the validated tree is turned into relational
 * algebra by Calcite (every alias list, derived table, CTE column list, USING, set operation and
 * {@code *} is resolved by the validator's own scopes), unused fields are trimmed, and each table
 * scan reads exactly the fields its consumer uses. A scan whose consumer is not a plain projection
 * counts as reading every column (may over-count, never under-count).
 *
 * <p>Positions only serve the refusal message: the first place in the text that names the column
 * or a name an alias list gave it, else the table reference.
 */
final class ColumnReads {
  /** Columns read per base table (catalog spelling, manifest order), each with a position for refusals. */
  record Reads(Map<String, Map<String, SqlParserPos>> columnsByTable) {
    Set<String> tables() {
      return columnsByTable.keySet();
    }

    /** The columns per table, without positions, for the audit record. */
    Map<String, List<String>> columnLists() {
      Map<String, List<String>> out = new TreeMap<>();
      columnsByTable.forEach((t, cols) -> out.put(t, List.copyOf(cols.keySet())));
      return out;
    }

    /**
     * These reads plus {@code more} (the second check's findings): the policies are asked about
     * the union, so a column only one check saw is still decided on.
     */
    Reads plus(Map<String, Set<String>> more, ProjectCatalog catalog) {
      Map<String, Map<String, SqlParserPos>> out = new TreeMap<>();
      columnsByTable.forEach((t, cols) -> out.put(t, new LinkedHashMap<>(cols)));
      more.forEach((t, cols) -> {
        ProjectCatalog.TableInfo info = catalog.table(t).orElseThrow();
        Map<String, SqlParserPos> m = out.computeIfAbsent(info.name(), k -> new LinkedHashMap<>());
        for (String c : cols) {
          m.putIfAbsent(info.column(c).orElseThrow().name(), SqlParserPos.ZERO);
        }
      });
      return new Reads(ordered(out, catalog));
    }

    /** What {@code other} reads that these reads do not, per table. */
    Map<String, List<String>> missing(Map<String, Set<String>> other, ProjectCatalog catalog) {
      Map<String, List<String>> out = new TreeMap<>();
      other.forEach((t, cols) -> {
        ProjectCatalog.TableInfo info = catalog.table(t).orElseThrow();
        Map<String, SqlParserPos> mine = columnsByTable.getOrDefault(info.name(), Map.of());
        List<String> miss = cols.stream().map(c -> info.column(c).orElseThrow().name())
            .filter(c -> !mine.containsKey(c)).sorted().toList();
        if (!miss.isEmpty()) {
          out.put(info.name(), miss);
        }
      });
      return out;
    }
  }

  private ColumnReads() {}

  static Reads of(ProjectCatalog catalog, CatalogValidation.Validated validated) {
    Map<String, Set<String>> read = relationalReads(catalog, validated);
    Positions positions = new Positions(catalog, validated.node());
    Map<String, Map<String, SqlParserPos>> out = new TreeMap<>();
    read.forEach((table, cols) -> {
      Map<String, SqlParserPos> m = new LinkedHashMap<>();
      cols.forEach(c -> m.put(c, positions.of(table, c)));
      out.put(table, m);
    });
    return new Reads(ordered(out, catalog));
  }

  /** Columns in manifest order per table, so audit records and refusals are stable. */
  private static Map<String, Map<String, SqlParserPos>> ordered(Map<String, Map<String, SqlParserPos>> in,
      ProjectCatalog catalog) {
    Map<String, Map<String, SqlParserPos>> out = new TreeMap<>();
    in.forEach((t, cols) -> {
      Map<String, SqlParserPos> m = new LinkedHashMap<>();
      for (ProjectCatalog.ColumnInfo c : catalog.table(t).orElseThrow().columns().values()) {
        if (cols.containsKey(c.name())) {
          m.put(c.name(), cols.get(c.name()));
        }
      }
      out.put(t, java.util.Collections.unmodifiableMap(m));
    });
    return java.util.Collections.unmodifiableMap(out);
  }

  /** Base columns per table (catalog spelling) that the query's relational form reads. */
  private static Map<String, Set<String>> relationalReads(ProjectCatalog catalog, CatalogValidation.Validated v) {
    RelOptCluster cluster = RelOptCluster.create(new HepPlanner(HepProgram.builder().build()),
        new RexBuilder(catalog.typeFactory()));
    // A project catalog holds tables only, so no view is ever expanded; one would be a refusal.
    SqlToRelConverter converter = new SqlToRelConverter((type, query, schema, path) -> {
      throw Refusals.denyInvalid(SqlParserPos.ZERO, "the query names a view; a project has tables only");
    }, v.validator(), catalog.catalogReader(), cluster, StandardConvertletTable.INSTANCE,
        SqlToRelConverter.config().withTrimUnusedFields(true).withExpand(true));
    RelNode rel;
    try {
      RelRoot root = converter.convertQuery(v.node(), false, true);
      rel = root.rel;
      try {
        rel = converter.trimUnusedFields(true, rel);
      } catch (RuntimeException e) {
        // Untrimmed is still correct, only coarser: each scan then reads every column.
      }
    } catch (RuntimeException | AssertionError e) {
      throw Refusals.denyInvalid(SqlParserPos.ZERO,
          "the gateway cannot determine which columns this query reads, so it does not run it");
    }
    Map<String, Set<String>> out = new TreeMap<>();
    collect(rel, null, catalog, out);
    return out;
  }

  private static void collect(RelNode node, RelNode consumer, ProjectCatalog catalog, Map<String, Set<String>> out) {
    node.accept(new RexShuttle() {
      @Override
      public org.apache.calcite.rex.RexNode visitSubQuery(RexSubQuery subQuery) {
        collect(subQuery.rel, null, catalog, out);
        return subQuery;
      }
    });
    if (node instanceof TableScan scan) {
      List<String> qualified = scan.getTable().getQualifiedName();
      ProjectCatalog.TableInfo table = catalog.table(qualified.get(qualified.size() - 1)).orElseThrow(
          () -> new IllegalStateException("scan of a table outside the catalog: " + qualified));
      List<String> fields = scan.getRowType().getFieldNames();
      BitSet used = new BitSet();
      if (consumer instanceof Project p) {
        used.or(RelOptUtil.InputFinder.bits(p.getProjects(), null).toBitSet());
      } else if (consumer instanceof org.apache.calcite.rel.core.Aggregate a) {
        // An aggregate right on the scan outputs only its groups and results: it reads its keys,
        // its calls' arguments and their FILTER columns (count(*) reads none).
        used.or(a.getGroupSet().toBitSet());
        for (org.apache.calcite.rel.core.AggregateCall call : a.getAggCallList()) {
          call.getArgList().forEach(used::set);
          if (call.filterArg >= 0) {
            used.set(call.filterArg);
          }
          call.collation.getFieldCollations().forEach(fc -> used.set(fc.getFieldIndex()));
        }
      } else {
        used.set(0, fields.size());
      }
      Set<String> cols = out.computeIfAbsent(table.name(), k -> new LinkedHashSet<>());
      used.stream().forEach(i -> cols.add(table.column(fields.get(i)).orElseThrow().name()));
      return;
    }
    for (RelNode input : node.getInputs()) {
      collect(input, node, catalog, out);
    }
  }

  /** Where a column is named in the query text, for the refusal's caret. */
  private static final class Positions {
    private final ProjectCatalog catalog;
    /** Alias lists of base tables: table (lower case) to the names given to its columns, in order. */
    private final Map<String, List<List<String>>> aliasLists = new LinkedHashMap<>();
    private final Map<String, SqlParserPos> tableRefs = new LinkedHashMap<>();
    private final List<SqlIdentifier> identifiers = new ArrayList<>();

    Positions(ProjectCatalog catalog, SqlNode root) {
      this.catalog = catalog;
      root.accept(new SqlBasicVisitor<Void>() {
        @Override
        public Void visit(SqlIdentifier id) {
          identifiers.add(id);
          return null;
        }

        @Override
        public Void visit(SqlCall call) {
          if (call instanceof SqlBasicCall c && c.getKind() == SqlKind.AS && c.operandCount() > 2
              && c.operand(0) instanceof SqlIdentifier table) {
            String name = table.names.get(table.names.size() - 1).toLowerCase(Locale.ROOT);
            List<String> names = new ArrayList<>();
            for (int i = 2; i < c.operandCount(); i++) {
              names.add(((SqlIdentifier) c.operand(i)).getSimple());
            }
            aliasLists.computeIfAbsent(name, k -> new ArrayList<>()).add(names);
          }
          if (call instanceof SqlBasicCall c && c.getKind() == SqlKind.AS
              && c.operand(0) instanceof SqlIdentifier table) {
            tableRefs.putIfAbsent(table.names.get(table.names.size() - 1).toLowerCase(Locale.ROOT),
                table.getParserPosition());
          }
          if (call.getKind() == SqlKind.AS) {
            // The names an AS gives are not reads; only what it renames is.
            return call.operand(0) == null ? null : call.operand(0).accept(this);
          }
          return super.visit(call);
        }

        @Override
        public Void visit(SqlNodeList list) {
          list.forEach(n -> {
            if (n != null) {
              n.accept(this);
            }
          });
          return null;
        }
      });
    }

    SqlParserPos of(String table, String column) {
      String key = table.toLowerCase(Locale.ROOT);
      Set<String> names = new HashSet<>();
      names.add(column.toLowerCase(Locale.ROOT));
      List<String> order = new ArrayList<>(catalog.table(table).orElseThrow().columns().keySet());
      int index = order.indexOf(column.toLowerCase(Locale.ROOT));
      for (List<String> list : aliasLists.getOrDefault(key, List.of())) {
        if (index >= 0 && index < list.size()) {
          names.add(list.get(index).toLowerCase(Locale.ROOT));
        }
      }
      SqlParserPos best = null;
      for (SqlIdentifier id : identifiers) {
        if (id.isStar() || id.getParserPosition() == SqlParserPos.ZERO) {
          continue;
        }
        String last = id.names.get(id.names.size() - 1).toLowerCase(Locale.ROOT);
        if (names.contains(last) && (best == null || before(id.getParserPosition(), best))) {
          best = id.getParserPosition();
        }
      }
      if (best != null) {
        return best;
      }
      return tableRefs.getOrDefault(key, SqlParserPos.ZERO);
    }

    private static boolean before(SqlParserPos a, SqlParserPos b) {
      return a.getLineNum() < b.getLineNum()
          || a.getLineNum() == b.getLineNum() && a.getColumnNum() < b.getColumnNum();
    }
  }
}
