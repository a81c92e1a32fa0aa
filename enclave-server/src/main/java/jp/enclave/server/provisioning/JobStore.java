package jp.enclave.server.provisioning;

import java.util.List;
import java.util.Optional;

/** The jobs' persistence; every call joins the caller's transaction. */
public interface JobStore {
  Optional<ProvisioningJob> find(String id);

  /** The job of this project and scope that is queued, running or succeeded (at most one: a unique index). */
  Optional<ProvisioningJob> once(String projectId, String scopeSha256);

  List<ProvisioningJob> all();

  List<ProvisioningJob> inState(JobState state);

  /** The oldest queued job, locked for this transaction (skipping one another runner holds). */
  Optional<ProvisioningJob> claimNext();

  void insert(ProvisioningJob j);

  /** Refuses a stale update (the stored version differs). */
  void update(ProvisioningJob j);
}
