package jp.enclave.gateway.pgwire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Feeds a {@link SessionRegistry} from a folder of token files (one token per file): a new or
 * changed file is registered, a removed one removes its session. Polled (every
 * {@code period}), which also works on folders a WatchService does not see changing (bind
 * mounts, network shares). Unreadable or invalid files are refused once per content (audited by
 * the registry), not every poll.
 */
public final class TokenFolder implements AutoCloseable {
  private static final long MAX_TOKEN_BYTES = 16 * 1024;
  private final Path dir;
  private final SessionRegistry registry;
  /** File → (content fingerprint, session id or null when refused). */
  private final Map<Path, String[]> known = new HashMap<>();
  private final ScheduledExecutorService poller;

  public TokenFolder(Path dir, SessionRegistry registry, java.time.Duration period) {
    this.dir = dir;
    this.registry = registry;
    scan();
    this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "pgwire-token-folder");
      t.setDaemon(true);
      return t;
    });
    poller.scheduleWithFixedDelay(this::scanQuietly, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void scanQuietly() {
    try {
      scan();
    } catch (RuntimeException e) {
      // The next poll tries again; the registry keeps what it has.
    }
  }

  /** One pass over the folder (also called by tests to apply a change at once). */
  public synchronized void scan() {
    Map<Path, String> seen = new HashMap<>();
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (!Files.isRegularFile(f) || f.getFileName().toString().startsWith(".")) {
          continue;
        }
        try {
          if (Files.size(f) > MAX_TOKEN_BYTES) {
            continue;
          }
          seen.put(f, Files.readString(f, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
          // Being written or removed right now: the next pass sees it.
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot list the PostgreSQL session folder " + dir, e);
    }
    for (var it = known.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      String now = seen.get(e.getKey());
      if (now == null || !now.equals(e.getValue()[0])) {
        if (e.getValue()[1] != null) {
          registry.remove(e.getValue()[1], "file " + e.getKey().getFileName());
        }
        it.remove();
      }
    }
    for (var e : seen.entrySet()) {
      if (known.containsKey(e.getKey()) || e.getValue().isEmpty()) {
        continue;
      }
      String session = null;
      try {
        session = registry.register(e.getValue(), "file " + e.getKey().getFileName());
      } catch (RuntimeException refused) {
        // Audited by the registry; remembered so it is not refused again every poll.
      }
      known.put(e.getKey(), new String[] {e.getValue(), session});
    }
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
