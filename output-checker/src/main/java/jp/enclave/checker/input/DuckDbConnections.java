package jp.enclave.checker.input;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens DuckDB connections the enclave way: extensions are never installed or loaded on demand
 * (there is no network and no extension may enter the enclave); Parquet is built into the driver.
 */
public final class DuckDbConnections {
  private DuckDbConnections() {}

  public static Properties safeProperties() {
    Properties p = new Properties();
    p.setProperty("autoinstall_known_extensions", "false");
    p.setProperty("autoload_known_extensions", "false");
    return p;
  }

  /** An in-memory database. */
  public static Connection inMemory() throws SQLException {
    return DriverManager.getConnection("jdbc:duckdb:", safeProperties());
  }

  /** A database file (created if missing). */
  public static Connection file(java.nio.file.Path path) throws SQLException {
    return DriverManager.getConnection("jdbc:duckdb:" + path.toAbsolutePath(), safeProperties());
  }

  /** Quotes a string as a SQL literal for table functions that take no bind parameters. */
  public static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
