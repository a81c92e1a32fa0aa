package jp.enclave.gateway.worker;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The gateway's second column check plans here (see core's ScanCheck): an in-memory DuckDB that
 * holds the extract's tables empty, with every optimizer off except the removal of unused columns,
 * so a plan keeps each column a query depends on (statistics-based optimizers could drop a scan
 * whose filter they decide). It lives in the worker because DuckDB folds constants even here, and
 * a query built to grow (nested replace() on a literal) must meet the worker's caps, not the
 * gateway's memory.
 */
final class PlanningDatabase implements AutoCloseable {
  /** The only optimizer left on: it is what makes projection lists exact. */
  static final String KEPT_OPTIMIZER = "unused_columns";

  private final Connection connection;

  private PlanningDatabase(Connection connection) {
    this.connection = connection;
  }

  /** An empty copy of {@code extract}'s tables (names and types from DuckDB's own catalog). */
  static PlanningDatabase of(Connection extract) throws SQLException {
    Properties p = ExtractDatabase.lockedProperties("64MB", 1, null);
    p.remove("duckdb.read_only");
    p.remove("access_mode");
    // Option names come from DuckDB itself, so an optimizer a later DuckDB adds is off too.
    p.setProperty("disabled_optimizers", otherOptimizers());
    Map<String, StringBuilder> ddl = new LinkedHashMap<>();
    try (Statement s = extract.createStatement();
        ResultSet rs = s.executeQuery("SELECT table_name, column_name, data_type FROM information_schema.columns "
            + "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position")) {
      while (rs.next()) {
        StringBuilder b = ddl.computeIfAbsent(rs.getString(1), t -> new StringBuilder("CREATE TABLE " + quote(t) + " ("));
        if (b.charAt(b.length() - 1) != '(') {
          b.append(", ");
        }
        b.append(quote(rs.getString(2))).append(' ').append(rs.getString(3));
      }
    }
    Connection c = DriverManager.getConnection("jdbc:duckdb:", p);
    try (Statement s = c.createStatement()) {
      for (StringBuilder b : ddl.values()) {
        s.execute(b.append(')').toString());
      }
    }
    return new PlanningDatabase(c);
  }

  Connection connection() {
    return connection;
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

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
