package jp.enclave.server.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.Map;
import jp.enclave.server.audit.AuditTrail;

/**
 * Audits a request refused before its resource ran (its body was too large, not UTF-8, not the
 * JSON the call expects): there is no transaction of the call yet, so the row gets its own.
 */
@ApplicationScoped
public class RefusalAudit {
  @Inject
  AuditTrail audit;

  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void record(String actor, String event, String target, Map<String, ?> detail) {
    audit.record(actor, event, target, detail);
  }
}
