package jp.enclave.server.audit;

import java.util.List;
import java.util.Locale;
import jp.enclave.server.access.Access;
import jp.enclave.server.access.Caller;

/** The auditor's view of the server's trail: search by actor, event or target, and verify the chain. */
public final class AuditReader {
  private final AuditTrail trail;
  private final Access access;

  public AuditReader(AuditTrail trail, Access access) {
    this.trail = trail;
    this.access = access;
  }

  /** Newest first; each filter matches a substring, blank matches all. */
  public List<AuditEntry> search(Caller c, String actor, String event, String target, int limit) {
    access.requireReadAudit(c);
    List<AuditEntry> newestFirst = new java.util.ArrayList<>(trail.entries());
    java.util.Collections.reverse(newestFirst);
    return newestFirst.stream()
        .filter(e -> matches(e.actor(), actor) && matches(e.event(), event) && matches(e.target(), target))
        .limit(Math.max(1, Math.min(limit, 1000))).toList();
  }

  public AuditChain.Verification verify(Caller c) {
    access.requireReadAudit(c);
    AuditChain.Verification v = AuditChain.verify(trail.entries(), trail.legacyThrough());
    trail.record(c.subject(), "audit.verified", "audit", java.util.Map.of("valid", v.valid(), "entries", v.entries()));
    return v;
  }

  private static boolean matches(String value, String filter) {
    return filter == null || filter.isBlank()
        || (value != null && value.toLowerCase(Locale.ROOT).contains(filter.trim().toLowerCase(Locale.ROOT)));
  }
}
