package jp.enclave.server.inventory;

import java.time.Instant;
import java.util.Optional;

/** Imported reports, newest last; joins the caller's transaction. */
public interface InventoryStore {
  record Stored(long id, Instant importedAt, String importedBy, String sha256, String report) {}

  Optional<Stored> latest();

  Stored insert(Instant at, String by, String sha256, String report);
}
