package jp.enclave.server.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jp.enclave.audit.AuditLog;

/**
 * The server's chain with audit-trail's own rule ({@link AuditLog#canonical}, {@link AuditLog#hash}):
 * each entry's hash is SHA-256 over the previous hash, a newline and the entry's canonical JSON body
 * (sorted keys). Rows written before the server used the module's rule (up to the sequence
 * number recorded at migration V23, {@code legacyThrough}) were hashed without the newline and
 * are verified by that rule; the rows cannot be rewritten (append-only). Pure functions, so the
 * chain is built and verified without a database.
 */
public final class AuditChain {
  public static final String GENESIS = "0".repeat(64);

  private AuditChain() {}

  /** Canonical JSON of a detail map (sorted keys at every level). */
  public static String canonical(Map<String, ?> detail) {
    try {
      return AuditLog.canonical(new TreeMap<>(detail));
    } catch (jp.enclave.audit.AuditException e) {
      throw new IllegalArgumentException("audit detail is not serialisable: " + e.getMessage(), e);
    }
  }

  /** The next link after {@code previousHash}; times are kept to the microsecond PostgreSQL stores. */
  public static AuditEntry link(long seq, String previousHash, Instant at, String actor, String event, String target,
      Map<String, ?> detail) {
    Instant t = at.truncatedTo(ChronoUnit.MICROS);
    String body = canonical(detail);
    return new AuditEntry(seq, t, actor, event, target, body, previousHash,
        AuditLog.hash(previousHash, body(seq, t, actor, event, target, body)));
  }

  /** The result of checking a trail: valid, or the first entry that does not hold and why. */
  public record Verification(boolean valid, long entries, String head, Long firstBrokenSeq, String problem) {}

  public static Verification verify(List<AuditEntry> entries) {
    return verify(entries, 0);
  }

  /** {@code legacyThrough}: the last sequence number hashed by the server's earlier rule (0 for none). */
  public static Verification verify(List<AuditEntry> entries, long legacyThrough) {
    String previous = GENESIS;
    long expectedSeq = 1;
    for (AuditEntry e : entries) {
      if (e.seq() != expectedSeq) {
        return new Verification(false, entries.size(), previous, e.seq(), "sequence gap: expected " + expectedSeq);
      }
      if (!e.prevHash().equals(previous)) {
        return new Verification(false, entries.size(), previous, e.seq(), "link does not match the previous entry");
      }
      String body = body(e.seq(), e.at(), e.actor(), e.event(), e.target(), e.detail());
      String h = e.seq() <= legacyThrough ? legacyHash(previous, body) : AuditLog.hash(previous, body);
      if (!h.equals(e.hash())) {
        return new Verification(false, entries.size(), previous, e.seq(), "content does not match its hash");
      }
      previous = h;
      expectedSeq++;
    }
    return new Verification(true, entries.size(), previous, null, null);
  }

  static String body(long seq, Instant at, String actor, String event, String target, String detail) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", seq);
    m.put("at", at.toString());
    m.put("actor", actor);
    m.put("event", event);
    m.put("target", target);
    m.put("detail", detail);
    return canonical(m);
  }

  /** The server's rule before it used audit-trail's: no newline between the previous hash and the body. */
  private static String legacyHash(String previous, String body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(previous.getBytes(StandardCharsets.US_ASCII));
      sha.update(body.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
