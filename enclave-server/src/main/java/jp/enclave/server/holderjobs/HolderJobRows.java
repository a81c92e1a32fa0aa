package jp.enclave.server.holderjobs;

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
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;
import jp.enclave.server.access.Refusal;

/**
 * The one mapping of a holder-zone job row and its lease, for every workflow whose job is a row
 * per request in a table of the same shape ({@code export_check_job}, {@code reid_job}: id,
 * request_id, state queued | running | done | failed, enqueued_at, claimed_at, claimed_by,
 * finished_at, outcome, version; at most one queued or running job per request by a partial
 * unique index). A workflow names its table and says only what is its own: how its request
 * starts, and what it records when the job ends. Except {@link #renew}, every method works in
 * the caller's transaction, so a job's state and its request's state commit together.
 */
@ApplicationScoped
public class HolderJobRows {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z_]{0,62}");

  /** A job table (a fixed identifier of the code, never input: it is written into the SQL). */
  public record Table(String name) {
    public Table {
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("not a job table name: " + name);
      }
    }
  }

  /** How a job ended: done (its request moved on as planned) or failed, with the outcome kept on the row. */
  public record End(boolean done, String outcome) {}

  @PersistenceContext(unitName = "enclave")
  EntityManager em;
  @Inject
  Clock clock;

  /** Queues a job for the request (a second open job for the same request violates the table's unique index). */
  public void enqueue(Table t, String requestId, Instant at) {
    em.createNativeQuery("insert into " + t.name() + " (id, request_id, state, enqueued_at, version) "
            + "values (?1, ?2, 'queued', ?3, 0)")
        .setParameter(1, UUID.randomUUID().toString()).setParameter(2, requestId).setParameter(3, at).executeUpdate();
  }

  /**
   * Claims the oldest queued job, or a running one whose lease lapsed (its server died), for
   * {@code worker} ({@code FOR UPDATE SKIP LOCKED}: two servers never take the same job), and
   * starts its request with {@code start(jobId, requestId)}. A request that refuses to start (it
   * moved on meanwhile) fails the job with the refusal's code; then there is nothing to run.
   */
  public <T> Optional<T> claim(Table t, String worker, Duration lease, BiFunction<String, String, T> start) {
    Instant now = clock.instant();
    @SuppressWarnings("unchecked")
    List<Object[]> rows = em.createNativeQuery("select id, request_id from " + t.name() + " where state = 'queued' "
            + "or (state = 'running' and claimed_at < ?1) order by enqueued_at limit 1 for update skip locked")
        .setParameter(1, now.minus(lease)).getResultList();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    String id = (String) rows.get(0)[0];
    em.createNativeQuery("update " + t.name() + " set state = 'running', claimed_by = ?1, claimed_at = ?2, "
            + "version = version + 1 where id = ?3")
        .setParameter(1, worker).setParameter(2, now).setParameter(3, id).executeUpdate();
    try {
      return Optional.of(start.apply(id, (String) rows.get(0)[1]));
    } catch (Refusal refused) {
      end(t, id, new End(false, refused.code() + ": " + refused.getMessage()));
      return Optional.empty();
    }
  }

  /** Renews the lease while the job's process runs, in its own transaction; false when the job is no longer this worker's. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean renew(Table t, String jobId, String worker) {
    return em.createNativeQuery("update " + t.name() + " set claimed_at = ?1, version = version + 1 "
            + "where id = ?2 and state = 'running' and claimed_by = ?3")
        .setParameter(1, clock.instant()).setParameter(2, jobId).setParameter(3, worker).executeUpdate() == 1;
  }

  /**
   * Ends the job, once: only while {@code worker} still holds it (row-locked until the caller's
   * transaction ends), {@code record} records the outcome on the job's request (given its id) and
   * says how the job ended. A job another worker took over or finished is left alone (false).
   */
  public boolean finish(Table t, String jobId, String worker, Function<String, End> record) {
    @SuppressWarnings("unchecked")
    List<String> requests = em.createNativeQuery("select request_id from " + t.name()
            + " where id = ?1 and state = 'running' and claimed_by = ?2 for update")
        .setParameter(1, jobId).setParameter(2, worker).getResultList();
    if (requests.isEmpty()) {
      return false;
    }
    end(t, jobId, record.apply(requests.get(0)));
    return true;
  }

  private void end(Table t, String jobId, End end) {
    // cast: an outcome may be null, and a null parameter carries no type of its own
    em.createNativeQuery("update " + t.name() + " set state = ?1, finished_at = ?2, outcome = cast(?3 as text), "
            + "version = version + 1 where id = ?4")
        .setParameter(1, end.done() ? "done" : "failed").setParameter(2, clock.instant())
        .setParameter(3, end.outcome()).setParameter(4, jobId).executeUpdate();
  }
}
