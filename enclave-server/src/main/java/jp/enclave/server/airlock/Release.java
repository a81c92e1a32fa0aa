package jp.enclave.server.airlock;

import java.time.Instant;
import java.util.List;

/**
 * A release of a project: the approved files of one export request, packaged as one zip, each
 * file's SHA-256 and the package's. {@code table} marks files that join the project's release
 * history (the checker's differencing reads them).
 */
public record Release(String id, String requestId, String projectId, String author, String packageSha256,
    long packageBytes, List<File> files, Instant at) {

  public Release {
    files = List.copyOf(files);
  }

  public record File(String name, String itemId, String sha256, long bytes, boolean table, boolean safeVersion) {}
}
