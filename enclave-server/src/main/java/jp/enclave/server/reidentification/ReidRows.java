package jp.enclave.server.reidentification;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** Re-identification's JPA rows (schema: V41__reidentification.sql). */
final class ReidRows {
  private ReidRows() {}

  @Entity(name = "ReidRequestRow")
  @Table(name = "reid_request")
  static class RequestRow {
    @Id
    String id;
    @Column(name = "project_id")
    String projectId;
    @Column(name = "export_id")
    String exportId;
    @Column(name = "release_id")
    String releaseId;
    String inspector;
    @Column(name = "legal_basis")
    String legalBasis;
    String pseudonyms;
    String state;
    String approvers;
    String error;
    @Column(name = "filed_at")
    Instant filedAt;
    @Column(name = "updated_at")
    Instant updatedAt;
    @Version
    long version;
  }

  @Entity(name = "ReidResultRow")
  @Table(name = "reid_result")
  static class ResultRow {
    @Id
    @Column(name = "request_id")
    String requestId;
    @Column(name = "result_json")
    String resultJson;
  }
}
