package jp.enclave.server.closure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.List;

/** A project's end (schema: V60__project_closure.sql); the lease columns belong to the holder-zone job. */
@Entity
@Table(name = "project_closure")
class ClosureRow {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Id
  @Column(name = "project_id")
  String projectId;
  String state;
  String cause;
  String reason;
  @Column(name = "requested_by")
  String requestedBy;
  @Column(name = "requested_at")
  Instant requestedAt;
  @Column(name = "sessions_ended")
  int sessionsEnded;
  int attempts;
  String error;
  @Column(name = "claimed_by")
  String claimedBy;
  @Column(name = "claimed_at")
  Instant claimedAt;
  @Column(name = "archive_path")
  String archivePath;
  @Column(name = "archive_sha256")
  String archiveSha256;
  @Column(name = "archive_files")
  String archiveFiles;
  String certificate;
  @Column(name = "ended_at")
  Instant endedAt;
  @Column(name = "updated_at")
  Instant updatedAt;
  @Version
  long version;

  Closure toDomain() {
    try {
      List<Closure.ArchiveFile> files = archiveFiles == null ? List.of()
          : JSON.readValue(archiveFiles, new TypeReference<List<Closure.ArchiveFile>>() {});
      return new Closure(projectId, ClosureState.valueOf(state), cause, reason, requestedBy, requestedAt, sessionsEnded,
          attempts, error, archivePath, archiveSha256, files, certificate, endedAt, updatedAt, version);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("archive files of " + projectId + " are not JSON", e);
    }
  }

  void set(Closure c) {
    projectId = c.projectId();
    state = c.state().name();
    cause = c.cause();
    reason = c.reason();
    requestedBy = c.requestedBy();
    requestedAt = c.requestedAt();
    sessionsEnded = c.sessionsEnded();
    attempts = c.attempts();
    error = c.error();
    archivePath = c.archivePath();
    archiveSha256 = c.archiveSha256();
    try {
      archiveFiles = c.archiveFiles().isEmpty() ? null : JSON.writeValueAsString(c.archiveFiles());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    certificate = c.certificate();
    endedAt = c.endedAt();
    updatedAt = c.updatedAt();
  }
}
