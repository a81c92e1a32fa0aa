package jp.enclave.server.airlock;

import java.util.List;

/**
 * One file a researcher asks to export, with the gateway query IDs it came from. A figure carries
 * its underlying table ({@code tableName}, {@code table}). After the check: the checker's verdict
 * and, for a table it could make safe, its suggested safe version.
 */
public record ExportItem(String id, ItemType type, String name, byte[] content, String tableKind, String tableName,
    byte[] table, List<String> queryIds, Verdict verdict, byte[] safeContent) {

  public ExportItem {
    queryIds = List.copyOf(queryIds);
  }

  public boolean hasSafeVersion() {
    return safeContent != null;
  }

  public boolean flagged() {
    return verdict == Verdict.FAIL || verdict == Verdict.REVIEW;
  }

  ExportItem checked(Verdict v, byte[] safe) {
    return new ExportItem(id, type, name, content, tableKind, tableName, table, queryIds, v, safe);
  }
}
