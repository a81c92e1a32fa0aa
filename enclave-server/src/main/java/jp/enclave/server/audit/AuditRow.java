package jp.enclave.server.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "audit_event")
class AuditRow {
  @Id
  long seq;
  Instant at;
  String actor;
  String event;
  String target;
  String detail;
  @Column(name = "prev_hash")
  String prevHash;
  String hash;

  AuditEntry toDomain() {
    return new AuditEntry(seq, at, actor, event, target, detail, prevHash, hash);
  }
}
