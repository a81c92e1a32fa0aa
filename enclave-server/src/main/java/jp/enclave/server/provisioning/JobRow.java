package jp.enclave.server.provisioning;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

@Entity
@Table(name = "provisioning_job")
class JobRow {
  @Id
  String id;
  @Column(name = "project_id")
  String projectId;
  @Column(name = "scope_sha256")
  String scopeSha256;
  String state;
  String phase;
  int percent;
  String detail;
  String reason;
  String result;
  int attempt;
  @Column(name = "requested_by")
  String requestedBy;
  @Column(name = "requested_at")
  Instant requestedAt;
  @Column(name = "started_at")
  Instant startedAt;
  @Column(name = "finished_at")
  Instant finishedAt;
  @Column(name = "updated_at")
  Instant updatedAt;
  @Version
  long version;

  ProvisioningJob toDomain() {
    return new ProvisioningJob(id, projectId, scopeSha256, JobState.valueOf(state), phase, percent, detail, reason,
        result, attempt, requestedBy, requestedAt, startedAt, finishedAt, updatedAt, version);
  }

  void set(ProvisioningJob j) {
    id = j.id();
    projectId = j.projectId();
    scopeSha256 = j.scopeSha256();
    state = j.state().name();
    phase = j.phase();
    percent = j.percent();
    detail = j.detail();
    reason = j.reason();
    result = j.result();
    attempt = j.attempt();
    requestedBy = j.requestedBy();
    requestedAt = j.requestedAt();
    startedAt = j.startedAt();
    finishedAt = j.finishedAt();
    updatedAt = j.updatedAt();
  }
}
