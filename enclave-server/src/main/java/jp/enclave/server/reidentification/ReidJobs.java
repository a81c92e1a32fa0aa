package jp.enclave.server.reidentification;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.reidentification.ReidRows.JobRow;

/**
 * The run job's steps, each its own transaction, as the airlock's check job: claimed with the
 * request moved to running, completed with the result by the worker that still holds it; a job
 * left running by a killed server is claimed again once its lease lapses, and the request is not
 * started twice.
 */
@ApplicationScoped
public class ReidJobs {
  @PersistenceContext(unitName = "enclave")
  EntityManager em;
  @Inject
  ReidService reid;
  @Inject
  Clock clock;

  public record Claim(String jobId, ReidRequest request) {}

  @Transactional(value = Transactional.TxType.REQUIRES_NEW, dontRollbackOn = Refusal.class)
  public Optional<Claim> claim(String worker, Duration lease) {
    Instant now = clock.instant();
    @SuppressWarnings("unchecked")
    List<String> ids = em.createNativeQuery("select id from reid_job where state = 'queued' "
            + "or (state = 'running' and claimed_at < ?1) order by enqueued_at limit 1 for update skip locked")
        .setParameter(1, now.minus(lease)).getResultList();
    if (ids.isEmpty()) {
      return Optional.empty();
    }
    JobRow job = em.find(JobRow.class, ids.get(0));
    job.state = "running";
    job.claimedBy = worker;
    job.claimedAt = now;
    try {
      return Optional.of(new Claim(job.id, reid.start(job.requestId)));
    } catch (Refusal refused) {
      job.state = "failed";
      job.finishedAt = now;
      return Optional.empty();
    }
  }

  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean heartbeat(String jobId, String worker) {
    JobRow job = em.find(JobRow.class, jobId);
    if (job == null || !"running".equals(job.state) || !worker.equals(job.claimedBy)) {
      return false;
    }
    job.claimedAt = clock.instant();
    return true;
  }

  @Transactional(value = Transactional.TxType.REQUIRES_NEW, dontRollbackOn = Refusal.class)
  public boolean complete(String jobId, String worker, HolderProcess.Outcome outcome) {
    JobRow job = mine(jobId, worker);
    if (job == null) {
      return false;
    }
    reid.finish(job.requestId, outcome.json(), outcome.resolved(), outcome.notFound());
    job.state = "done";
    job.finishedAt = clock.instant();
    return true;
  }

  @Transactional(value = Transactional.TxType.REQUIRES_NEW, dontRollbackOn = Refusal.class)
  public boolean fail(String jobId, String worker, String error) {
    JobRow job = mine(jobId, worker);
    if (job == null) {
      return false;
    }
    reid.fail(job.requestId, error);
    job.state = "failed";
    job.finishedAt = clock.instant();
    return true;
  }

  private JobRow mine(String jobId, String worker) {
    JobRow job = em.find(JobRow.class, jobId, LockModeType.PESSIMISTIC_WRITE);
    return job != null && "running".equals(job.state) && worker.equals(job.claimedBy) ? job : null;
  }
}
