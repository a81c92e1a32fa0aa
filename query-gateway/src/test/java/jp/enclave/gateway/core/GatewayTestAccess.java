package jp.enclave.gateway.core;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jp.enclave.gateway.worker.ExtractDatabase;

/**
 * Test-only door to the decrypted extract behind a gateway, for raw-DuckDB baselines: a DuckDB
 * instance of the test's own, read-only and locked down with the worker's settings. Nothing like
 * it exists in the shipped code: there, DuckDB runs only in the execution worker.
 */
public final class GatewayTestAccess {
  private static final Map<Gateway, Connection> RAW = new ConcurrentHashMap<>();

  private GatewayTestAccess() {}

  /** A new connection (close it) to the test's own DuckDB instance over the gateway's extract. */
  public static Connection raw(Gateway gateway) {
    try {
      return ((org.duckdb.DuckDBConnection) root(gateway)).duplicate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Connection root(Gateway gateway) {
    return RAW.computeIfAbsent(gateway, g -> {
      try {
        return DriverManager.getConnection("jdbc:duckdb:" + g.decryptedExtractForTests(),
            ExtractDatabase.lockedProperties("1GB", 2, null));
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** The execution worker's process id, for tests that kill it. */
  public static long workerPid(Gateway gateway, String user) {
    return gateway.workerForTests(user).pid();
  }
}
