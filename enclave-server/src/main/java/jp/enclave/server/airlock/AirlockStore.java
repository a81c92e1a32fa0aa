package jp.enclave.server.airlock;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Export requests' persistence; joins the caller's transaction. {@code update} refuses a stale
 * version (optimistic locking) and replaces items and votes.
 */
public interface AirlockStore {
  Optional<ExportRequest> find(String id);

  List<ExportRequest> ofAuthor(String subject);

  List<ExportRequest> inStates(Collection<ExportState> states);

  void insert(ExportRequest r);

  void update(ExportRequest r);

  /** The durable job row that makes the checker run for this request (in the submitting transaction). */
  void enqueueCheck(String requestId, Instant at);

  /** The checker's reports: HTML in English and Japanese ({@code htmlJa} may be null), results.json. */
  void saveReport(String requestId, String html, String htmlJa, String resultsJson);

  /** The HTML report in the language ("ja" or "en"); English when there is none in that language. */
  Optional<String> reportHtml(String requestId, String language);

  Optional<String> resultsJson(String requestId);

  void insertRelease(Release r, byte[] packageZip, List<ReleasedTable> tables);

  Optional<Release> releaseOf(String requestId);

  Optional<byte[]> releasePackage(String releaseId);

  /** Every table released for the project (the checker's release history), oldest first. */
  List<ReleasedTable> releasedTables(String projectId);

  /** A released table as the output checker's history reads it. */
  record ReleasedTable(String releaseId, String projectId, String name, byte[] content) {}
}
