package jp.enclave.gateway.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.duckdb.DuckDBConnection;

/**
 * The project's decrypted extract inside the execution worker, opened by DuckDB read-only and locked down: no external access
 * (files, URLs, extensions), no extension autoload or install, memory and thread limits, spill
 * only into the private RAM scratch, configuration locked so a query cannot undo any of it. The
 * settings are read back at open; if DuckDB did not take them, the gateway does not start.
 */
public final class ExtractDatabase implements AutoCloseable {
  private final DuckDBConnection root;
  private final BlockingQueue<DuckDBConnection> idle;

  private ExtractDatabase(DuckDBConnection root, int poolSize) {
    this.root = root;
    this.idle = new ArrayBlockingQueue<>(poolSize);
  }

  static ExtractDatabase open(Path database, Path spillDir, String memoryLimit, int threads, int poolSize) {
    try {
      Class.forName("org.duckdb.DuckDBDriver");
      Files.createDirectories(spillDir);
      Properties p = lockedProperties(memoryLimit, threads, spillDir);
      DuckDBConnection conn = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + database, p);
      ExtractDatabase db = new ExtractDatabase(conn, poolSize);
      db.verifyLockdown();
      return db;
    } catch (SQLException | ClassNotFoundException | java.io.IOException e) {
      throw new IllegalStateException("cannot open the extract database: " + e.getMessage(), e);
    }
  }

  /**
   * The connection properties of a locked-down, read-only instance (sealed-store's one table of
   * lockdown settings, shared with the output checker), streaming results.
   */
  public static Properties lockedProperties(String memoryLimit, int threads, Path spillDir) {
    Properties p = jp.enclave.sealed.extract.LockedDownDuckDb.properties(spillDir, memoryLimit, threads);
    p.setProperty("jdbc_stream_results", "true");
    return p;
  }

  private void verifyLockdown() throws SQLException {
    jp.enclave.sealed.extract.LockedDownDuckDb.verify(root);
  }

  /** A connection for one query; return it with {@link #release}. */
  DuckDBConnection borrow() throws SQLException {
    DuckDBConnection c = idle.poll();
    return c != null ? c : root.duplicate();
  }

  void release(DuckDBConnection c, boolean healthy) {
    if (healthy && idle.offer(c)) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      // A connection that fails to close is dropped; DuckDB frees it with the database.
    }
  }

  /** The worker's own use (start-up checks, the planning copy's schema): never reachable from a query. */
  Connection rootConnection() {
    return root;
  }

  @Override
  public void close() {
    DuckDBConnection c;
    while ((c = idle.poll()) != null) {
      release(c, false);
    }
    try {
      root.close();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot close the extract database: " + e.getMessage(), e);
    }
  }
}
