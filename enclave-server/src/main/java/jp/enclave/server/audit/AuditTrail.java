package jp.enclave.server.audit;

import java.util.List;
import java.util.Map;

/**
 * Where the domain records what happened. Implementations append to the hash chain inside the
 * caller's transaction, so a change and its audit row commit or roll back together.
 */
public interface AuditTrail {
  void record(String actor, String event, String target, Map<String, ?> detail);

  /** Every entry in chain order (verification reads them all). */
  List<AuditEntry> entries();

  /** The last sequence number hashed by the server's rule before audit-trail's ({@link AuditChain}); 0 for none. */
  default long legacyThrough() {
    return 0;
  }
}
