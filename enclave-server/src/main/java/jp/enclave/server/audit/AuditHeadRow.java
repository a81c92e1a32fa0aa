package jp.enclave.server.audit;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The chain's head, one row: locked for update by each append, so appends are serialised. */
@Entity
@Table(name = "audit_head")
class AuditHeadRow {
  @Id
  int id;
  long seq;
  String hash;
}
