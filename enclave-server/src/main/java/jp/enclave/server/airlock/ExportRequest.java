package jp.enclave.server.airlock;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** An export request of one project by its author, with its items, the reviewers' votes and the check's progress. */
public record ExportRequest(String id, String projectId, String author, String title, ExportState state,
    List<ExportItem> items, List<Vote> votes, CheckProgress check, Instant createdAt, Instant updatedAt, long version) {

  public ExportRequest {
    items = List.copyOf(items);
    votes = List.copyOf(votes);
  }

  public Optional<ExportItem> item(String itemId) {
    return items.stream().filter(i -> i.id().equals(itemId)).findFirst();
  }

  ExportRequest with(ExportState s, List<ExportItem> i, List<Vote> v, CheckProgress c, Instant at) {
    return new ExportRequest(id, projectId, author, title, s, i, v, c, createdAt, at, version);
  }
}
