package jp.enclave.server.airlock;

import java.time.Instant;

/**
 * Where the output checker's run for a request stands (shown to the author while it runs):
 * {@code queued}, {@code running}, {@code done} or {@code failed} with the reason; attempts count runs.
 */
public record CheckProgress(String stage, int attempts, String error, Instant startedAt, Instant finishedAt) {
  public static final CheckProgress NONE = new CheckProgress("none", 0, null, null, null);
}
