package jp.enclave.server.closure;

import java.time.Instant;
import java.util.List;

/**
 * A project's end as it stands: why and by whom it was asked, the sessions it stopped, the
 * archive it wrote (path, the manifest's SHA-256 as the archive's hash, each file) and, once
 * ended, the deletion certificate as JSON.
 */
public record Closure(String projectId, ClosureState state, String cause, String reason, String requestedBy,
    Instant requestedAt, int sessionsEnded, int attempts, String error, String archivePath, String archiveSha256,
    List<ArchiveFile> archiveFiles, String certificate, Instant endedAt, Instant updatedAt, long version) {

  public Closure {
    archiveFiles = archiveFiles == null ? List.of() : List.copyOf(archiveFiles);
  }

  /** One file of the archive as its manifest lists it. */
  public record ArchiveFile(String name, String sha256, long bytes) {}

  Closure moved(ClosureState to, Instant at) {
    return new Closure(projectId, to, cause, reason, requestedBy, requestedAt, sessionsEnded, attempts, error,
        archivePath, archiveSha256, archiveFiles, certificate, endedAt, at, version);
  }

  Closure failed(String why, Instant at) {
    return new Closure(projectId, state, cause, reason, requestedBy, requestedAt, sessionsEnded, attempts + 1, why,
        archivePath, archiveSha256, archiveFiles, certificate, endedAt, at, version);
  }

  Closure archived(String path, String sha256, List<ArchiveFile> files, Instant at) {
    return new Closure(projectId, state, cause, reason, requestedBy, requestedAt, sessionsEnded, attempts, null,
        path, sha256, files, certificate, endedAt, at, version);
  }

  Closure certified(String certificateJson, Instant at) {
    return new Closure(projectId, state, cause, reason, requestedBy, requestedAt, sessionsEnded, attempts, null,
        archivePath, archiveSha256, archiveFiles, certificateJson, at, at, version);
  }
}
