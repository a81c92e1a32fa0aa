package jp.enclave.server.holderjobs;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorDefinition;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The server's one runner of holder-zone jobs (checking, re-identification, project deletion).
 * Each configured kind has its own lane: every two seconds it claims that kind's jobs one at a
 * time with a lease, renews the lease while the job's process runs, and lets the kind record the
 * outcome. Lanes run side by side, so a long check does not hold up a re-identification or a
 * project's end; at most {@code enclave.holder.workers} jobs (default 3, one per kind) run at once.
 * At most one job runs per request: the lease, held in the database, not this server's memory.
 * A server killed mid-job leaves the lease to lapse; the next start (a new worker id) claims the
 * job again and the kind resumes it without applying anything twice.
 *
 * <p>Lanes and renewals run on a managed scheduled executor of this application (Jakarta
 * Concurrency), not on plain threads: their tasks carry the application's context, so the
 * container accepts their transactions. The executor is defined here with its own threads
 * (Payara's default one has a single thread: a running job would block every renewal).
 */
@Singleton
@Startup
@DependsOn("Migrations")
@ManagedScheduledExecutorDefinition(name = HolderJobRunner.EXECUTOR, maxAsync = HolderJobRunner.THREADS)
public class HolderJobRunner {
  private static final Logger LOG = Logger.getLogger(HolderJobRunner.class.getName());
  static final String EXECUTOR = "java:app/concurrent/holder-jobs";
  /** The executor's threads: a lane per kind (three) and the lease renewals, with room to spare. */
  static final int THREADS = 8;
  static final long TICK_MILLIS = 2000;
  /** One id per server start: a job claimed by an earlier start is recognised as abandoned once its lease ends. */
  static final String WORKER = "server-" + UUID.randomUUID();

  @Resource(lookup = EXECUTOR)
  ManagedScheduledExecutorService executor;
  @Inject
  @Any
  Instance<HolderJob<?>> kinds;
  @Inject
  @ConfigProperty(name = "enclave.holder.workers", defaultValue = "3")
  int workers;

  private final List<ScheduledFuture<?>> lanes = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService on;
  private Semaphore running;

  @PostConstruct
  void init() {
    List<HolderJob<?>> found = new ArrayList<>();
    kinds.forEach(found::add);
    start(executor, found, workers);
  }

  /** Starts a lane for each configured kind on {@code ex}, with at most {@code workers} jobs running at once. */
  void start(ScheduledExecutorService ex, List<HolderJob<?>> candidates, int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("enclave.holder.workers must be at least 1, not " + workers);
    }
    on = ex;
    running = new Semaphore(workers);
    for (HolderJob<?> k : candidates) {
      Optional<String> why = k.unavailable();
      if (why.isPresent()) {
        LOG.warning(k.name() + " jobs stay queued: " + why.get());
        continue;
      }
      // Fixed delay: a lane's next round starts only after its last one ended, so a lane never overlaps itself.
      lanes.add(ex.scheduleWithFixedDelay(() -> tick(k), TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS));
    }
  }

  @PreDestroy
  void stop() {
    lanes.forEach(f -> f.cancel(false));
    lanes.clear();
  }

  /** One round of a kind's lane: its claimable jobs one after another, if a worker is free. */
  <C> void tick(HolderJob<C> kind) {
    if (!running.tryAcquire()) {
      return; // every worker is busy with another kind: this lane tries again at its next round
    }
    try {
      Optional<C> claim;
      while ((claim = kind.claim(WORKER)).isPresent()) {
        run(kind, claim.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // caught, not thrown: an exception would cancel the lane's later rounds
      LOG.log(Level.WARNING, kind.name() + " job polling failed; retried on the next round", e);
    } finally {
      running.release();
    }
  }

  private <C> void run(HolderJob<C> kind, C claim) throws InterruptedException {
    long every = Math.max(1, kind.lease().toSeconds() / 3);
    ScheduledFuture<?> beat = on.scheduleAtFixedRate(() -> {
      try {
        kind.heartbeat(claim, WORKER);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "lease renewal of a " + kind.name() + " job failed", e);
      }
    }, every, every, TimeUnit.SECONDS);
    try {
      kind.run(claim, WORKER);
    } finally {
      beat.cancel(false);
    }
  }
}
