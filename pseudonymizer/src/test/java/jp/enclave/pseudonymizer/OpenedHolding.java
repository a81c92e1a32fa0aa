package jp.enclave.pseudonymizer;

import java.sql.Connection;
import java.sql.SQLException;
import jp.enclave.pseudonymizer.db.Duck;
import jp.enclave.sealed.PrivateScratch;

/** A sealed holding (store, quarantine, anonymized profile) opened in RAM scratch for a test to read. */
final class OpenedHolding implements AutoCloseable {
  private final PrivateScratch scratch;
  private final Connection connection;

  private OpenedHolding(PrivateScratch scratch, Connection connection) {
    this.scratch = scratch;
    this.connection = connection;
  }

  static OpenedHolding open(HolderHome home, HolderHome.Holding h) {
    PrivateScratch scratch = PrivateScratch.create("test-" + h.name().toLowerCase());
    return new OpenedHolding(scratch, Duck.open(home.open(h, scratch)));
  }

  static OpenedHolding store(HolderHome home) {
    return open(home, HolderHome.Holding.STORE);
  }

  Connection connection() {
    return connection;
  }

  @Override
  public void close() throws SQLException {
    try {
      connection.close();
    } finally {
      scratch.close();
    }
  }
}
