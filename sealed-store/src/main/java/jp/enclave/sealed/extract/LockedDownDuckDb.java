package jp.enclave.sealed.extract;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The DuckDB settings under which an opened extract may be queried, as one table: read-only, no
 * external access (files, URLs), no extension installed or loaded on demand, configuration locked
 * so no statement can undo it. {@link #properties} gives the JDBC properties to open with and
 * {@link #verify} reads every setting back, so a driver that ignored one is caught before use.
 * Only {@code java.sql}: the caller brings the DuckDB driver.
 */
public final class LockedDownDuckDb {
  /** Settings the database must report after opening, as DuckDB prints them. */
  public static final Map<String, String> LOCKDOWN = Map.of(
      "access_mode", "read_only",
      "enable_external_access", "false",
      "autoinstall_known_extensions", "false",
      "autoload_known_extensions", "false",
      "allow_community_extensions", "false",
      "allow_unsigned_extensions", "false",
      "lock_configuration", "true");

  private LockedDownDuckDb() {}

  /**
   * JDBC properties for opening a decrypted extract; spill goes only to the private RAM scratch
   * ({@code spillDir}), or nowhere when it is null.
   */
  public static Properties properties(Path spillDir, String memoryLimit, int threads) {
    Properties p = new Properties();
    p.setProperty("duckdb.read_only", "true");
    p.setProperty("access_mode", "READ_ONLY");
    p.setProperty("memory_limit", memoryLimit);
    p.setProperty("threads", Integer.toString(threads));
    if (spillDir != null) {
      p.setProperty("temp_directory", spillDir.toString());
    }
    p.setProperty("enable_external_access", "false");
    p.setProperty("autoinstall_known_extensions", "false");
    p.setProperty("autoload_known_extensions", "false");
    p.setProperty("allow_community_extensions", "false");
    p.setProperty("allow_unsigned_extensions", "false");
    p.setProperty("lock_configuration", "true");
    return p;
  }

  /** Reads every lockdown setting back; throws naming the first one DuckDB did not take. */
  public static void verify(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (Map.Entry<String, String> e : LOCKDOWN.entrySet()) {
        try (ResultSet rs = s.executeQuery("SELECT current_setting('" + e.getKey() + "')")) {
          rs.next();
          String actual = String.valueOf(rs.getString(1)).toLowerCase(Locale.ROOT);
          if (!actual.equals(e.getValue())) {
            throw new SQLException("DuckDB setting " + e.getKey() + " is " + actual + ", must be " + e.getValue());
          }
        }
      }
    }
  }
}
