package jp.enclave.server.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jp.enclave.audit.AuditLog;
import jp.enclave.audit.AuditVerifier;

/**
 * One pass over a zone's JSONL trail with audit-trail's own verifier: the entries as
 * {@link TrailEntry}s, the chain hash after each entry (to compare with witnessed heads) and the
 * verifier's result. Entries after a break are not trusted and not returned.
 */
public record ZoneRead(ZoneTrails.Zone zone, boolean exists, long fileBytes, AuditVerifier.Result result,
    List<TrailEntry> entries, List<String> hashes) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static ZoneRead of(ZoneTrails.Zone zone) {
    Path f = zone.file();
    if (!Files.isRegularFile(f)) {
      return new ZoneRead(zone, false, 0, new AuditVerifier.Result(false, 0, AuditLog.GENESIS, 0, "the trail file is missing"),
          List.of(), List.of());
    }
    List<TrailEntry> entries = new ArrayList<>();
    List<String> hashes = new ArrayList<>();
    long bytes;
    try {
      bytes = Files.size(f);
    } catch (IOException e) {
      bytes = -1;
    }
    // A gateway may be writing its next entry right now: only complete lines count.
    AuditVerifier.Result r = AuditVerifier.verifyCompleteLines(f, (i, e, h) -> {
      hashes.add(h);
      entries.add(entry(zone.name(), i, e, h));
    });
    return new ZoneRead(zone, true, bytes, r, entries, hashes);
  }

  /** The chain's hash after {@code n} entries ({@link AuditLog#GENESIS} for none), or null past the verified end. */
  public String headAfter(long n) {
    if (n == 0) {
      return AuditLog.GENESIS;
    }
    return n <= hashes.size() ? hashes.get((int) n - 1) : null;
  }

  private static TrailEntry entry(String zone, long i, Map<String, Object> e, String hash) {
    Object data = e.get("data");
    Map<?, ?> d = data instanceof Map<?, ?> m ? m : Map.of();
    String user = first(d, "user", "actor", "subject", "steward");
    String project = first(d, "project", "projectId");
    String target = first(d, "session", "query", "request");
    Instant at;
    try {
      at = Instant.parse(String.valueOf(e.get("at")));
    } catch (RuntimeException ex) {
      at = Instant.EPOCH;
    }
    String detail;
    try {
      detail = AuditLog.canonical(new java.util.TreeMap<String, Object>(cast(d)));
    } catch (RuntimeException ex) {
      detail = String.valueOf(d);
    }
    return new TrailEntry(zone, i, at, user, project, String.valueOf(e.get("event")), target, detail, hash);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  private static String first(Map<?, ?> d, String... keys) {
    for (String k : keys) {
      Object v = d.get(k);
      if (v != null && !(v instanceof Map) && !(v instanceof List)) {
        return v.toString();
      }
    }
    return "";
  }

  static ObjectMapper json() {
    return JSON;
  }
}
