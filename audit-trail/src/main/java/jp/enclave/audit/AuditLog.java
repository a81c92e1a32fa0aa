package jp.enclave.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Append-only, hash-chained audit trail: one JSON object per line; each entry's {@code hash} is
 * SHA-256 over the previous entry's hash and this entry's canonical body, so a changed, removed,
 * inserted or reordered entry breaks the chain at that point ({@link AuditVerifier}). Opening an
 * existing trail verifies it first and refuses to extend a broken one.
 */
public final class AuditLog implements AutoCloseable {
  public static final String GENESIS = "0".repeat(64);
  static final ObjectMapper JSON = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private final Path file;
  // A stream, not a FileChannel: a channel is interruptible, and one interrupted writer (a
  // cancelled query's thread) would close it for every thread, stopping all auditing.
  private final FileOutputStream out;
  private final boolean sync;
  private final Clock clock;
  private long nextSeq;
  private String lastHash;
  private final Object flushLock = new Object();
  private volatile long durableSeq = -1;
  private volatile IOException flushFailure;
  private final AtomicBoolean immediateFlushPending = new AtomicBoolean();
  private final AtomicBoolean delayedFlushPending = new AtomicBoolean();
  private ScheduledExecutorService flusher;

  private AuditLog(Path file, FileOutputStream out, boolean sync, Clock clock, long nextSeq, String lastHash) {
    this.file = file;
    this.out = out;
    this.sync = sync;
    this.clock = clock;
    this.nextSeq = nextSeq;
    this.durableSeq = nextSeq - 1;
    this.lastHash = lastHash;
  }

  /** Opens (creating, owner-only) the trail at {@code file}; {@code sync} forces each entry to disk. */
  public static AuditLog open(Path file, boolean sync) {
    return open(file, sync, Clock.systemUTC());
  }

  public static AuditLog open(Path file, boolean sync, Clock clock) {
    try {
      if (file.getParent() != null) {
        // Created owner-only (0700): a trail names who did what, for the zone's eyes only.
        Files.createDirectories(file.getParent(),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      long seq = 0;
      String last = GENESIS;
      if (Files.exists(file)) {
        AuditVerifier.Result r = AuditVerifier.verify(file);
        if (!r.ok()) {
          throw new AuditException("audit trail " + file + " is broken at entry " + r.brokenAt() + ": "
              + r.problem() + "; refusing to extend it");
        }
        seq = r.entries();
        last = r.headHash();
      } else {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      return new AuditLog(file, new FileOutputStream(file.toFile(), true), sync, clock, seq, last);
    } catch (IOException e) {
      throw new AuditException("cannot open audit trail " + file + ": " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  /**
   * Appends one event, on disk before it returns (for a synced trail), and returns its hash.
   * Values are written as given (strings, numbers, booleans, lists); a failure to write is fatal
   * for the caller's action: nothing unaudited runs.
   */
  public String append(String event, Map<String, ?> data) {
    String hash;
    long seq;
    synchronized (this) {
      seq = writeLocked(event, data);
      hash = lastHash;
    }
    awaitDurable(seq);
    return hash;
  }

  /**
   * Appends one event to the file without waiting for the disk and returns its sequence number.
   * The caller must {@link #awaitDurable} it before the action the entry records has any effect
   * outside the process (write-ahead), which lets the disk flush overlap with preparing the action.
   */
  public synchronized long write(String event, Map<String, ?> data) {
    return writeLocked(event, data);
  }

  private long writeLocked(String event, Map<String, ?> data) {
    failIfFlushFailed();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("seq", nextSeq);
    body.put("at", Instant.now(clock).toString());
    body.put("event", event);
    body.put("prev", lastHash);
    body.put("data", new TreeMap<>(data));
    String hash = hash(lastHash, canonical(body));
    body.put("hash", hash);
    byte[] line = (canonical(body) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      out.write(line);
    } catch (IOException e) {
      throw new UncheckedIOException("audit write failed; the action is not allowed to proceed", e);
    }
    lastHash = hash;
    return nextSeq++;
  }

  /**
   * Returns once entry {@code seq} and all before it are on disk; a no-op for an unsynced trail.
   * One flush covers every entry written so far, so concurrent callers share it (group commit).
   */
  public void awaitDurable(long seq) {
    if (sync && durableSeq < seq) {
      flushThrough(seq);
    }
    failIfFlushFailed();
  }

  /**
   * Starts flushing everything written so far in the background and returns at once, so the
   * flush overlaps with the caller's work until its {@link #awaitDurable}.
   */
  public void flushSoon() {
    scheduleFlush(immediateFlushPending, 0);
  }

  /**
   * Makes everything written so far durable within {@code delay}, or sooner with any other flush,
   * without waiting: for an after-the-fact entry (a query finished) whose loss in a crash would
   * only make the action look unfinished. Sharing the next write-ahead flush halves the flushes
   * of a busy trail. A failed flush fails every later write and wait, so nothing runs unaudited.
   */
  public void flushWithin(Duration delay) {
    scheduleFlush(delayedFlushPending, delay.toNanos());
  }

  private void scheduleFlush(AtomicBoolean pending, long delayNanos) {
    if (!sync || durableSeq >= entries() - 1 || !pending.compareAndSet(false, true)) {
      return;
    }
    flusher().schedule(() -> {
      pending.set(false);
      flushThrough(entries() - 1);
    }, delayNanos, TimeUnit.NANOSECONDS);
  }

  /** Sequence number of the newest entry known to be on disk (-1 for none). */
  long durableThrough() {
    return durableSeq;
  }

  /** One force for everything written so far, unless an earlier one already covered {@code seq}. */
  private void flushThrough(long seq) {
    synchronized (flushLock) {
      if (durableSeq >= seq) {
        return;
      }
      long upto = entries() - 1;
      try {
        out.getFD().sync();
        durableSeq = upto;
      } catch (IOException e) {
        flushFailure = e;
      }
    }
  }

  private void failIfFlushFailed() {
    IOException e = flushFailure;
    if (e != null) {
      throw new UncheckedIOException("audit flush failed; no further action is allowed to proceed", e);
    }
  }

  private synchronized ScheduledExecutorService flusher() {
    if (flusher == null) {
      flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "audit-flush-" + file.getFileName());
        t.setDaemon(true);
        return t;
      });
    }
    return flusher;
  }

  /** Hash of the newest entry (the value to anchor elsewhere, e.g. in the enclave server's chain). */
  public synchronized String headHash() {
    return lastHash;
  }

  public synchronized long entries() {
    return nextSeq;
  }

  @Override
  public void close() {
    ScheduledExecutorService f;
    synchronized (this) {
      f = flusher;
    }
    if (f != null) {
      f.shutdown();
      try {
        f.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      try {
        out.getFD().sync();
        out.close();
      } catch (IOException e) {
        throw new AuditException("cannot close audit trail " + file + ": " + e.getMessage(), e);
      }
    }
  }

  /** The canonical JSON a hash covers: keys sorted at every level (the one rule every chain uses). */
  public static String canonical(Map<String, ?> body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new AuditException("audit entry not serialisable: " + e.getMessage(), e);
    }
  }

  /** The chain rule: SHA-256 over the previous hash, a newline and the canonical body (hex). */
  public static String hash(String previous, String canonicalBody) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(previous.getBytes(StandardCharsets.US_ASCII));
      d.update((byte) '\n');
      d.update(canonicalBody.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
