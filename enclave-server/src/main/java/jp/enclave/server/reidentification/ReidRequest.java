package jp.enclave.server.reidentification;

import java.time.Instant;
import java.util.List;

/**
 * A PMDA inspector's request to re-identify pseudonyms of one released submission (an export
 * request of the project), with the legal basis, the officers who approved it, and the failure of
 * the last run if any.
 */
public record ReidRequest(String id, String projectId, String exportId, String releaseId, String inspector,
    String legalBasis, List<String> pseudonyms, ReidState state, List<String> approvers, String error,
    Instant filedAt, Instant updatedAt, long version) {

  public ReidRequest {
    pseudonyms = List.copyOf(pseudonyms);
    approvers = List.copyOf(approvers);
  }

  ReidRequest with(ReidState s, List<String> a, String err, Instant at) {
    return new ReidRequest(id, projectId, exportId, releaseId, inspector, legalBasis, pseudonyms, s, a, err, filedAt,
        at, version);
  }
}
