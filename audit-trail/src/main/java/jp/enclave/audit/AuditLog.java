package jp.enclave.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

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
  private final FileChannel channel;
  private final boolean sync;
  private final Clock clock;
  private long nextSeq;
  private String lastHash;

  private AuditLog(Path file, FileChannel channel, boolean sync, Clock clock, long nextSeq, String lastHash) {
    this.file = file;
    this.channel = channel;
    this.sync = sync;
    this.clock = clock;
    this.nextSeq = nextSeq;
    this.lastHash = lastHash;
  }

  /** Opens (creating, owner-only) the trail at {@code file}; {@code sync} forces each entry to disk. */
  public static AuditLog open(Path file, boolean sync) {
    return open(file, sync, Clock.systemUTC());
  }

  public static AuditLog open(Path file, boolean sync, Clock clock) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
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
      FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      return new AuditLog(file, ch, sync, clock, seq, last);
    } catch (IOException e) {
      throw new AuditException("cannot open audit trail " + file + ": " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  /**
   * Appends one event and returns its hash. Values are written as given (strings, numbers,
   * booleans, lists); a failure to write is fatal for the caller's action: nothing unaudited runs.
   */
  public synchronized String append(String event, Map<String, ?> data) {
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
      ByteBuffer buf = ByteBuffer.wrap(line);
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      if (sync) {
        channel.force(false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("audit write failed; the action is not allowed to proceed", e);
    }
    nextSeq++;
    lastHash = hash;
    return hash;
  }

  /** Hash of the newest entry (the value to anchor elsewhere, e.g. in the enclave server's chain). */
  public synchronized String headHash() {
    return lastHash;
  }

  public synchronized long entries() {
    return nextSeq;
  }

  @Override
  public synchronized void close() {
    try {
      channel.force(true);
      channel.close();
    } catch (IOException e) {
      throw new AuditException("cannot close audit trail " + file + ": " + e.getMessage(), e);
    }
  }

  static String canonical(Map<String, ?> body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new AuditException("audit entry not serialisable: " + e.getMessage(), e);
    }
  }

  static String hash(String previous, String canonicalBody) {
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
