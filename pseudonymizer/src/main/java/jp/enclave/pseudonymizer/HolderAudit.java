package jp.enclave.pseudonymizer;

import java.util.LinkedHashMap;
import java.util.Map;
import jp.enclave.audit.AuditLog;

/**
 * The data holder's audit trail ({@code holder/audit.jsonl}): every pipeline run, provisioning,
 * deletion and refusal, hash-chained. A failed write is fatal to the action that asked for it.
 */
public final class HolderAudit {
  private HolderAudit() {}

  public static void record(HolderHome home, String event, Map<String, ?> data) {
    Map<String, Object> entry = new LinkedHashMap<>(data);
    entry.putIfAbsent("actor", System.getProperty("user.name"));
    try (AuditLog log = AuditLog.open(home.audit(), true)) {
      log.append(event, entry);
    }
  }
}
