package jp.enclave.server.onsite;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.time.LocalDate;

@Entity
@Table(name = "onsite_visit")
class VisitRow {
  @Id
  String id;
  String subject;
  @Column(name = "project_id")
  String projectId;
  @Column(name = "center_id")
  String centerId;
  @Column(name = "visit_day")
  LocalDate day;
  String state;
  @Column(name = "terminal_id")
  String terminalId;
  @Column(name = "identity_document")
  String identityDocument;
  @Column(name = "checked_in_by")
  String checkedInBy;
  @Column(name = "checked_in_at")
  Instant checkedInAt;
  @Column(name = "ended_by")
  String endedBy;
  @Column(name = "ended_at")
  Instant endedAt;
  @Column(name = "booked_at")
  Instant bookedAt;
  @Version
  long version;

  Visit toDomain() {
    return new Visit(id, subject, projectId, centerId, day, Visit.VisitState.valueOf(state), terminalId,
        identityDocument, checkedInBy, checkedInAt, endedBy, endedAt, bookedAt, version);
  }

  void set(Visit v) {
    id = v.id();
    subject = v.subject();
    projectId = v.projectId();
    centerId = v.centerId();
    day = v.day();
    state = v.state().name();
    terminalId = v.terminalId();
    identityDocument = v.identityDocument();
    checkedInBy = v.checkedInBy();
    checkedInAt = v.checkedInAt();
    endedBy = v.endedBy();
    endedAt = v.endedAt();
    bookedAt = v.bookedAt();
  }
}
