package jp.enclave.server.security;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

@Entity
@Table(name = "security_alert")
class AlertRow {
  @Id
  String id;
  String rule;
  String subject;
  @Column(name = "window_start")
  Instant windowStart;
  long observed;
  long threshold;
  String detail;
  @Column(name = "raised_at")
  Instant raisedAt;
  @Column(name = "acknowledged_by")
  String acknowledgedBy;
  @Column(name = "acknowledged_at")
  Instant acknowledgedAt;
  @Column(name = "ack_note")
  String note;
  @Version
  long version;

  Alert toDomain() {
    return new Alert(id, rule, subject, windowStart, observed, threshold, detail, raisedAt, acknowledgedBy,
        acknowledgedAt, note, version);
  }

  void set(Alert a) {
    id = a.id();
    rule = a.rule();
    subject = a.subject();
    windowStart = a.windowStart();
    observed = a.observed();
    threshold = a.threshold();
    detail = a.detail();
    raisedAt = a.raisedAt();
    acknowledgedBy = a.acknowledgedBy();
    acknowledgedAt = a.acknowledgedAt();
    note = a.note();
  }
}
