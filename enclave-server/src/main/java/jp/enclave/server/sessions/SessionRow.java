package jp.enclave.server.sessions;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

@Entity
@Table(name = "research_session")
class SessionRow {
  @Id
  String id;
  @Column(name = "project_id")
  String projectId;
  String subject;
  String kind;
  String state;
  @Column(name = "booked_at")
  Instant bookedAt;
  @Column(name = "opened_at")
  Instant openedAt;
  @Column(name = "ended_at")
  Instant endedAt;
  @Column(name = "ended_by")
  String endedBy;
  @Column(name = "end_reason")
  String endReason;
  @Version
  long version;

  Session toDomain() {
    return new Session(id, projectId, subject, SessionKind.parse(kind), SessionState.valueOf(state), bookedAt, openedAt,
        endedAt, endedBy, endReason, version);
  }

  void set(Session s) {
    id = s.id();
    projectId = s.projectId();
    subject = s.subject();
    kind = s.kind().wire();
    state = s.state().name();
    bookedAt = s.bookedAt();
    openedAt = s.openedAt();
    endedAt = s.endedAt();
    endedBy = s.endedBy();
    endReason = s.endReason();
  }
}
