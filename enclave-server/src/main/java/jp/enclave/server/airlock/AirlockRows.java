package jp.enclave.server.airlock;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** The airlock's JPA rows (schema: V40__export_airlock.sql). Mapped to and from the domain by {@link JpaAirlockStore}. */
final class AirlockRows {
  private AirlockRows() {}

  @Entity(name = "ExportRequestRow")
  @Table(name = "export_request")
  static class RequestRow {
    @Id
    String id;
    @Column(name = "project_id")
    String projectId;
    String author;
    String title;
    String state;
    @Column(name = "check_stage")
    String checkStage;
    @Column(name = "check_attempts")
    int checkAttempts;
    @Column(name = "check_error")
    String checkError;
    @Column(name = "check_started_at")
    Instant checkStartedAt;
    @Column(name = "check_finished_at")
    Instant checkFinishedAt;
    @Column(name = "created_at")
    Instant createdAt;
    @Column(name = "updated_at")
    Instant updatedAt;
    @Version
    long version;
  }

  @Entity(name = "ExportItemRow")
  @Table(name = "export_item")
  static class ItemRow {
    @Id
    String id;
    @Column(name = "request_id")
    String requestId;
    @Column(name = "item_id")
    String itemId;
    int position;
    String type;
    String name;
    byte[] content;
    @Column(name = "table_kind")
    String tableKind;
    @Column(name = "table_name")
    String tableName;
    @Column(name = "table_content")
    byte[] tableContent;
    @Column(name = "query_ids")
    String queryIds;
    String verdict;
    @Column(name = "safe_content")
    byte[] safeContent;
  }

  @Entity(name = "ExportVoteRow")
  @Table(name = "export_vote")
  static class VoteRow {
    @Id
    String id;
    @Column(name = "request_id")
    String requestId;
    String reviewer;
    boolean approve;
    String comment;
    @Column(name = "safe_items")
    String safeItems;
    @Column(name = "voted_at")
    Instant votedAt;
  }

  @Entity(name = "ExportReportRow")
  @Table(name = "export_report")
  static class ReportRow {
    @Id
    @Column(name = "request_id")
    String requestId;
    String html;
    @Column(name = "html_ja")
    String htmlJa;
    @Column(name = "results_json")
    String resultsJson;
  }

  @Entity(name = "ProjectReleaseRow")
  @Table(name = "project_release")
  static class ReleaseRow {
    @Id
    String id;
    @Column(name = "request_id")
    String requestId;
    @Column(name = "project_id")
    String projectId;
    String author;
    @Column(name = "package_sha256")
    String packageSha256;
    @Column(name = "package_bytes")
    long packageBytes;
    @Column(name = "package")
    byte[] packageZip;
    @Column(name = "released_at")
    Instant releasedAt;
  }

  @Entity(name = "ReleaseFileRow")
  @Table(name = "release_file")
  static class ReleaseFileRow {
    @Id
    String id;
    @Column(name = "release_id")
    String releaseId;
    int position;
    String name;
    @Column(name = "item_id")
    String itemId;
    String sha256;
    long bytes;
    @Column(name = "is_table")
    boolean table;
    @Column(name = "safe_version")
    boolean safeVersion;
  }

  @Entity(name = "ReleaseTableRow")
  @Table(name = "release_table")
  static class ReleaseTableRow {
    @Id
    String id;
    @Column(name = "release_id")
    String releaseId;
    @Column(name = "project_id")
    String projectId;
    String name;
    byte[] content;
  }
}
