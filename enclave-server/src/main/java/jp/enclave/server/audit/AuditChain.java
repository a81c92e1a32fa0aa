package jp.enclave.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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

/**
 * The chain rule, as audit-trail's files use it: each entry's hash is SHA-256 over the previous
 * hash and the entry's canonical JSON body (sorted keys). Pure functions, so the chain is built
 * and verified without a database.
 */
public final class AuditChain {
  public static final String GENESIS = "0".repeat(64);
  private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private AuditChain() {}

  /** Canonical JSON of a detail map (sorted keys at every level). */
  public static String canonical(Map<String, ?> detail) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(detail));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("audit detail is not serialisable: " + e.getMessage(), e);
    }
  }

  /** The next link after {@code previousHash}; times are kept to the microsecond PostgreSQL stores. */
  public static AuditEntry link(long seq, String previousHash, Instant at, String actor, String event, String target,
      Map<String, ?> detail) {
    Instant t = at.truncatedTo(ChronoUnit.MICROS);
    String body = canonical(detail);
    return new AuditEntry(seq, t, actor, event, target, body, previousHash,
        hash(previousHash, body(seq, t, actor, event, target, body)));
  }

  /** The result of checking a trail: valid, or the first entry that does not hold and why. */
  public record Verification(boolean valid, long entries, String head, Long firstBrokenSeq, String problem) {}

  public static Verification verify(List<AuditEntry> entries) {
    String previous = GENESIS;
    long expectedSeq = 1;
    for (AuditEntry e : entries) {
      if (e.seq() != expectedSeq) {
        return new Verification(false, entries.size(), previous, e.seq(), "sequence gap: expected " + expectedSeq);
      }
      if (!e.prevHash().equals(previous)) {
        return new Verification(false, entries.size(), previous, e.seq(), "link does not match the previous entry");
      }
      String h = hash(previous, body(e.seq(), e.at(), e.actor(), e.event(), e.target(), e.detail()));
      if (!h.equals(e.hash())) {
        return new Verification(false, entries.size(), previous, e.seq(), "content does not match its hash");
      }
      previous = h;
      expectedSeq++;
    }
    return new Verification(true, entries.size(), previous, null, null);
  }

  private static String body(long seq, Instant at, String actor, String event, String target, String detail) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", seq);
    m.put("at", at.toString());
    m.put("actor", actor);
    m.put("event", event);
    m.put("target", target);
    m.put("detail", detail);
    return canonical(m);
  }

  private static String hash(String previous, String body) {
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
