package jp.enclave.server.reidentification;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Re-identification requests' persistence, in the caller's transaction; {@code update} refuses a stale version. */
public interface ReidStore {
  Optional<ReidRequest> find(String id);

  List<ReidRequest> all();

  List<ReidRequest> ofInspector(String subject);

  void insert(ReidRequest r);

  void update(ReidRequest r);

  /** The durable job that runs the holder's re-identification (in the approving transaction). */
  void enqueueRun(String requestId, Instant at);

  void saveResult(String requestId, String resultJson);

  Optional<String> result(String requestId);
}
