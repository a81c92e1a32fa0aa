package jp.enclave.server.reidentification;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.util.Optional;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.holderjobs.HolderJobRows;

/**
 * The run job's steps, each its own transaction, as the airlock's check job: claimed with the
 * request moved to running, completed with the result by the worker that still holds it; a job
 * left running by a killed server is claimed again once its lease lapses, and the request is not
 * started twice.
 */
@ApplicationScoped
public class ReidJobs {
  /** The run job's rows (V41__reidentification.sql, V90), mapped once for every holder-zone job by {@link HolderJobRows}. */
  static final HolderJobRows.Table QUEUE = new HolderJobRows.Table("reid_job");

  @Inject
  HolderJobRows rows;
  @Inject
  ReidService reid;

  public record Claim(String jobId, ReidRequest request) {}

  @Transactional(value = Transactional.TxType.REQUIRES_NEW, dontRollbackOn = Refusal.class)
  public Optional<Claim> claim(String worker, Duration lease) {
    return rows.claim(QUEUE, worker, lease, (jobId, requestId) -> new Claim(jobId, reid.start(requestId)));
  }

  public boolean heartbeat(String jobId, String worker) {
    return rows.renew(QUEUE, jobId, worker);
  }

  @Transactional(value = Transactional.TxType.REQUIRES_NEW, dontRollbackOn = Refusal.class)
  public boolean complete(String jobId, String worker, HolderProcess.Outcome outcome) {
    return rows.finish(QUEUE, jobId, worker, requestId -> {
      reid.finish(requestId, outcome.json(), outcome.resolved(), outcome.notFound());
      return new HolderJobRows.End(true, "completed");
    });
  }

  @Transactional(value = Transactional.TxType.REQUIRES_NEW, dontRollbackOn = Refusal.class)
  public boolean fail(String jobId, String worker, String error) {
    return rows.finish(QUEUE, jobId, worker, requestId -> {
      reid.fail(requestId, error);
      return new HolderJobRows.End(false, error);
    });
  }
}
