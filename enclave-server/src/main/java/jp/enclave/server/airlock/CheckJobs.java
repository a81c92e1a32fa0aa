package jp.enclave.server.airlock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.airlock.AirlockRows.CheckJobRow;

/**
 * The check job's steps, each its own transaction. A job is claimed with its request moved to
 * checking in one transaction; it is completed together with the request's verdicts in another,
 * and only by the worker that still holds it. A worker killed mid-run leaves its job running with
 * a lease that stops being renewed: after the lease another worker (or the restarted server)
 * claims it again and runs the same check; the request, already checking, is not moved twice.
 */
@ApplicationScoped
public class CheckJobs {
  @PersistenceContext(unitName = "enclave")
  EntityManager em;
  @Inject
  AirlockService airlock;
  @Inject
  JpaAirlockStore store;
  @Inject
  Clock clock;

  /** A claimed job with what the checker needs, read in the claiming transaction. */
  public record Claim(String jobId, ExportRequest request, List<AirlockStore.ReleasedTable> released) {}

  @Transactional(value = Transactional.TxType.REQUIRES_NEW, dontRollbackOn = Refusal.class)
  public Optional<Claim> claim(String worker, Duration lease) {
    Instant now = clock.instant();
    @SuppressWarnings("unchecked")
    List<String> ids = em.createNativeQuery("select id from export_check_job where state = 'queued' "
            + "or (state = 'running' and claimed_at < ?1) order by enqueued_at limit 1 for update skip locked")
        .setParameter(1, now.minus(lease)).getResultList();
    if (ids.isEmpty()) {
      return Optional.empty();
    }
    CheckJobRow job = em.find(CheckJobRow.class, ids.get(0));
    job.state = "running";
    job.claimedBy = worker;
    job.claimedAt = now;
    ExportRequest r;
    try {
      r = airlock.startCheck(job.requestId);
    } catch (Refusal refused) {
      // the request moved on (withdrawn, already checked): the job has nothing left to do
      job.state = "failed";
      job.finishedAt = now;
      job.outcome = refused.code() + ": " + refused.getMessage();
      return Optional.empty();
    }
    em.flush();
    return Optional.of(new Claim(job.id, r, store.releasedTables(r.projectId())));
  }

  /** Renews the lease while the checker runs; false when the job is no longer this worker's. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean heartbeat(String jobId, String worker) {
    CheckJobRow job = em.find(CheckJobRow.class, jobId);
    if (job == null || !"running".equals(job.state) || !worker.equals(job.claimedBy)) {
      return false;
    }
    job.claimedAt = clock.instant();
    return true;
  }

  /** Records the checker's verdicts, once: a job another worker took over or finished is left alone. */
  @Transactional(value = Transactional.TxType.REQUIRES_NEW, dontRollbackOn = Refusal.class)
  public boolean complete(String jobId, String worker, CheckOutcome outcome) {
    CheckJobRow job = mine(jobId, worker);
    if (job == null) {
      return false;
    }
    ExportRequest r = airlock.finishCheck(job.requestId, outcome);
    job.state = r.state() == ExportState.CHECKED ? "done" : "failed";
    job.finishedAt = clock.instant();
    job.outcome = r.state() == ExportState.CHECKED ? "checked" : r.check().error();
    return true;
  }

  @Transactional(value = Transactional.TxType.REQUIRES_NEW, dontRollbackOn = Refusal.class)
  public boolean fail(String jobId, String worker, String error) {
    CheckJobRow job = mine(jobId, worker);
    if (job == null) {
      return false;
    }
    airlock.failCheck(job.requestId, error);
    job.state = "failed";
    job.finishedAt = clock.instant();
    job.outcome = error;
    return true;
  }

  private CheckJobRow mine(String jobId, String worker) {
    CheckJobRow job = em.find(CheckJobRow.class, jobId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
    return job != null && "running".equals(job.state) && worker.equals(job.claimedBy) ? job : null;
  }
}
