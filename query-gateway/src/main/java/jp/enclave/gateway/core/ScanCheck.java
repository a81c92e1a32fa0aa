package jp.enclave.gateway.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The second, independent column check: DuckDB's own binder and planner say which base columns
 * the rewritten query scans. It shares nothing with {@link ColumnReads} but the catalog: it reads
 * the {@code Table} and {@code Projections} of every scan in {@code EXPLAIN (FORMAT JSON)}.
 *
 * <p>It runs on a second, planning-only DuckDB instance in memory that holds the project's tables
 * empty (created from the manifest's names and types): it can plan every query the extract can
 * run, and holds no data. Every optimizer is off except the removal of unused columns, so the plan
 * keeps each column the query depends on: optimizers that use statistics (filter pushdown into
 * scans, empty-result pruning, constant folding) could drop a scan whose filter they decide.
 * Anything in a plan it does not understand (a scan of an unknown table or column, a scan without
 * a projection list) is a refusal, never a pass.
 */
final class ScanCheck implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The only optimizer left on: it is what makes projection lists exact. */
  private static final String KEPT_OPTIMIZER = "unused_columns";

  private final Connection connection;
  private final ProjectCatalog catalog;

  private ScanCheck(Connection connection, ProjectCatalog catalog) {
    this.connection = connection;
    this.catalog = catalog;
  }

  static ScanCheck open(ProjectCatalog catalog) {
    try {
      Properties p = ExtractDatabase.lockedProperties("64MB", 1, null);
      p.remove("duckdb.read_only");
      p.remove("access_mode");
      // Option names are listed by DuckDB itself, so a new DuckDB optimizer is disabled too.
      p.setProperty("disabled_optimizers", otherOptimizers());
      Connection c = DriverManager.getConnection("jdbc:duckdb:", p);
      try (Statement s = c.createStatement()) {
        for (ProjectCatalog.TableInfo t : catalog.tables().values()) {
          StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(quote(t.name())).append(" (");
          String sep = "";
          for (ProjectCatalog.ColumnInfo col : t.columns().values()) {
            ddl.append(sep).append(quote(col.name())).append(' ').append(col.duckDbType());
            sep = ", ";
          }
          s.execute(ddl.append(')').toString());
        }
      }
      return new ScanCheck(c, catalog);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open the planning instance: " + e.getMessage(), e);
    }
  }

  private static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  private static String otherOptimizers() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT name FROM duckdb_optimizers() ORDER BY name")) {
      StringBuilder b = new StringBuilder();
      boolean kept = false;
      while (rs.next()) {
        String name = rs.getString(1);
        if (name.equals(KEPT_OPTIMIZER)) {
          kept = true;
          continue;
        }
        b.append(b.length() == 0 ? "" : ",").append(name);
      }
      if (!kept) {
        throw new IllegalStateException("DuckDB has no " + KEPT_OPTIMIZER + " optimizer; the scan check cannot be exact");
      }
      return b.toString();
    }
  }

  /**
   * Base columns per table (catalog spelling) that DuckDB would scan for {@code duckSql}. A plan
   * the check cannot read completely is refused.
   */
  Map<String, Set<String>> scannedColumns(String duckSql) {
    String plan;
    synchronized (connection) {
      try (Statement s = connection.createStatement();
          ResultSet rs = s.executeQuery("EXPLAIN (FORMAT JSON) " + duckSql)) {
        StringBuilder b = new StringBuilder();
        while (rs.next()) {
          b.append(rs.getString(2));
        }
        plan = b.toString();
      } catch (SQLException e) {
        throw Refusals.denyExecution(firstLine(e.getMessage()));
      }
    }
    Map<String, Set<String>> out = new TreeMap<>();
    try {
      walk(JSON.readTree(plan), out);
    } catch (java.io.IOException e) {
      throw unreadable("DuckDB's plan is not JSON");
    }
    return out;
  }

  private void walk(JsonNode node, Map<String, Set<String>> out) {
    if (node.isArray()) {
      node.forEach(n -> walk(n, out));
      return;
    }
    JsonNode info = node.path("extra_info");
    if (info.has("Table")) {
      scan(node.path("name").asText(), info, out);
    } else if (info.has("Function") && !info.path("Function").asText().isEmpty()) {
      // A table function in the plan: the shape check refuses these, so one here is a bug somewhere.
      throw unreadable("a table function (" + info.path("Function").asText() + ")");
    }
    walk(node.path("children"), out);
  }

  private void scan(String operator, JsonNode info, Map<String, Set<String>> out) {
    String qualified = info.path("Table").asText();
    String name = qualified.substring(qualified.lastIndexOf('.') + 1);
    ProjectCatalog.TableInfo table = catalog.table(name)
        .orElseThrow(() -> unreadable("a scan of " + qualified + " (" + operator + ")"));
    if (!info.has("Projections")) {
      throw unreadable("a scan of " + table.name() + " without a projection list (" + operator + ")");
    }
    Set<String> cols = out.computeIfAbsent(table.name(), k -> new LinkedHashSet<>());
    JsonNode projections = info.get("Projections");
    Iterator<JsonNode> it = projections.isArray() ? projections.elements() : java.util.List.of(projections).iterator();
    while (it.hasNext()) {
      for (String column : it.next().asText().split("\n")) {
        if (column.isBlank()) {
          continue;
        }
        cols.add(table.column(column.trim()).orElseThrow(
            () -> unreadable("a scan of " + table.name() + " reading " + column.trim())).name());
      }
    }
    // Filters pushed into a scan read their columns too; every column name in them counts.
    JsonNode filters = info.path("Filters");
    String text = filters.isArray() ? filters.toString() : filters.asText("");
    Matcher m = WORD.matcher(text);
    while (m.find()) {
      table.column(m.group()).ifPresent(c -> cols.add(c.name()));
    }
  }

  private static final Pattern WORD = Pattern.compile("[\\p{L}_][\\p{L}\\p{N}_]*");

  private static GatewayRefusal unreadable(String what) {
    return Refusals.denyPlanUnchecked(what);
  }

  private static String firstLine(String message) {
    return message == null ? "unknown error" : message.lines().findFirst().orElse(message);
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // Closing a read-only planning instance cannot lose anything.
    }
  }
}
