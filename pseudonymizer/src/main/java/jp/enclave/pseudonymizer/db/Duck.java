package jp.enclave.pseudonymizer.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** DuckDB connections for the data holder's pipeline: never fetch or autoload extensions. */
public final class Duck {
  private Duck() {}

  /** Opens (creating if needed) a DuckDB database file, or an in-memory one for {@code null}. */
  public static Connection open(Path file) {
    Properties p = new Properties();
    p.setProperty("autoinstall_known_extensions", "false");
    p.setProperty("autoload_known_extensions", "false");
    try {
      return DriverManager.getConnection("jdbc:duckdb:" + (file == null ? "" : file.toAbsolutePath()), p);
    } catch (SQLException e) {
      throw new PipelineException("cannot open DuckDB database " + file + ": " + e.getMessage(), e);
    }
  }

  /** An appender into a table of the connection's database. */
  public static org.duckdb.DuckDBAppender appender(Connection c, String table) {
    try {
      return ((org.duckdb.DuckDBConnection) c).createAppender(org.duckdb.DuckDBConnection.DEFAULT_SCHEMA, table);
    } catch (SQLException e) {
      throw new PipelineException("cannot append to " + table + ": " + e.getMessage(), e);
    }
  }

  /** ENCLAVE_SQL_TIMING=1 prints each statement's duration to stderr when tuning; =full, whole statements. */
  private static final String TIMING_MODE = System.getenv("ENCLAVE_SQL_TIMING");
  private static final boolean TIMING = TIMING_MODE != null;

  public static void exec(Connection c, String sql) {
    long start = System.nanoTime();
    try (Statement s = c.createStatement()) {
      s.execute(sql);
      if (TIMING) {
        System.err.printf("%8.1f ms  %s%n", (System.nanoTime() - start) / 1e6,
            ("full".equals(TIMING_MODE) ? sql : abbreviate(sql)).replace('\n', ' '));
      }
    } catch (SQLException e) {
      throw new PipelineException("DuckDB statement failed: " + e.getMessage() + "\n  in: " + abbreviate(sql), e);
    }
  }

  public static long queryLong(Connection c, String sql) {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    } catch (SQLException e) {
      throw new PipelineException("DuckDB query failed: " + e.getMessage() + "\n  in: " + abbreviate(sql), e);
    }
  }

  /** SQL string literal with quotes doubled. */
  public static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** A path as a SQL string literal. */
  public static String literal(Path p) {
    return literal(p.toAbsolutePath().toString());
  }

  private static String abbreviate(String sql) {
    return sql.length() > 400 ? sql.substring(0, 400) + "…" : sql;
  }
}
