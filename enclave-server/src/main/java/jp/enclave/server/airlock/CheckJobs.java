package jp.enclave.server.airlock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.holderjobs.HolderJobRows;

/**
 * The check job's steps, each its own transaction. A job is claimed with its request moved to
 * checking in one transaction; it is completed together with the request's verdicts in another,
 * and only by the worker that still holds it. A worker killed mid-run leaves its job running with
 * a lease that stops being renewed: after the lease another worker (or the restarted server)
 * claims it again and runs the same check; the request, already checking, is not moved twice.
 */
@ApplicationScoped
public class CheckJobs {
  /** The check job's rows (V40__export_airlock.sql), mapped once for every holder-zone job by {@link HolderJobRows}. */
  static final HolderJobRows.Table QUEUE = new HolderJobRows.Table("export_check_job");

  @Inject
  HolderJobRows rows;
  @Inject
  AirlockService airlock;
  @Inject
  JpaAirlockStore store;

  /** A claimed job with what the checker needs, read in the claiming transaction. */
  public record Claim(String jobId, ExportRequest request, List<AirlockStore.ReleasedTable> released) {}

  /** Claims a job and moves its request to checking; a request that moved on (withdrawn, already checked) fails the job. */
  @Transactional(value = Transactional.TxType.REQUIRES_NEW, dontRollbackOn = Refusal.class)
  public Optional<Claim> claim(String worker, Duration lease) {
    return rows.claim(QUEUE, worker, lease, (jobId, requestId) -> {
      ExportRequest r = airlock.startCheck(requestId);
      return new Claim(jobId, r, store.releasedTables(r.projectId()));
    });
  }

  /** Renews the lease while the checker runs; false when the job is no longer this worker's. */
  public boolean heartbeat(String jobId, String worker) {
    return rows.renew(QUEUE, jobId, worker);
  }

  /** Records the checker's verdicts, once: a job another worker took over or finished is left alone. */
  @Transactional(value = Transactional.TxType.REQUIRES_NEW, dontRollbackOn = Refusal.class)
  public boolean complete(String jobId, String worker, CheckOutcome outcome) {
    return rows.finish(QUEUE, jobId, worker, requestId -> {
      ExportRequest r = airlock.finishCheck(requestId, outcome);
      boolean checked = r.state() == ExportState.CHECKED;
      return new HolderJobRows.End(checked, checked ? "checked" : r.check().error());
    });
  }

  @Transactional(value = Transactional.TxType.REQUIRES_NEW, dontRollbackOn = Refusal.class)
  public boolean fail(String jobId, String worker, String error) {
    return rows.finish(QUEUE, jobId, worker, requestId -> {
      airlock.failCheck(requestId, error);
      return new HolderJobRows.End(false, error);
    });
  }
}
