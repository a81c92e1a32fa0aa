package jp.enclave.server.airlock;

import java.time.Instant;
import java.util.Set;

/**
 * A reviewer's vote with a comment; {@code safeItems} are the items whose checker-suggested safe
 * version the reviewer applies instead of the original.
 */
public record Vote(String reviewer, boolean approve, String comment, Set<String> safeItems, Instant at) {
  public Vote {
    safeItems = Set.copyOf(safeItems);
  }
}
