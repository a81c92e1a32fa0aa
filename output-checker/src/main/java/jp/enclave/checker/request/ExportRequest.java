package jp.enclave.checker.request;

import java.nio.file.Path;
import java.util.List;

/** An export request: who asks, for which project, and the items; files live under {@code folder}. */
public record ExportRequest(String requestId, String projectId, String researcher, Path folder, List<ExportItem> items) {
  public ExportRequest {
    items = List.copyOf(items);
  }
}
