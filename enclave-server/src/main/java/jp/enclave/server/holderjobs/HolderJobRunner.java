package jp.enclave.server.holderjobs;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server's one runner of holder-zone jobs (checking, re-identification, project deletion):
 * every two seconds, for each configured kind in order, claims jobs one at a time with a lease,
 * renews the lease while the job's process runs, and lets the kind record the outcome. A server
 * killed mid-job leaves the lease to lapse; the next start (a new worker id) claims the job again
 * and the kind resumes it without applying anything twice.
 */
@Singleton
public class HolderJobRunner {
  private static final Logger LOG = Logger.getLogger(HolderJobRunner.class.getName());
  /** One id per server start: a job claimed by an earlier start is recognised as abandoned once its lease ends. */
  static final String WORKER = "server-" + UUID.randomUUID();

  @Inject
  @Any
  Instance<HolderJob<?>> kinds;

  private final AtomicBoolean busy = new AtomicBoolean();
  private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "holder-job-lease");
    t.setDaemon(true);
    return t;
  });
  private List<HolderJob<?>> ready = List.of();

  @PostConstruct
  void init() {
    List<HolderJob<?>> found = new java.util.ArrayList<>();
    kinds.forEach(found::add);
    use(found);
  }

  /** The kinds this runner runs: the configured ones, in their order. */
  void use(List<HolderJob<?>> candidates) {
    List<HolderJob<?>> all = new java.util.ArrayList<>();
    for (HolderJob<?> k : candidates) {
      Optional<String> why = k.unavailable();
      why.ifPresent(w -> LOG.warning(k.name() + " jobs stay queued: " + w));
      if (why.isEmpty()) {
        all.add(k);
      }
    }
    all.sort(Comparator.comparingInt(HolderJob::order));
    ready = List.copyOf(all);
  }

  @PreDestroy
  void stop() {
    beats.shutdownNow();
  }

  @Schedule(hour = "*", minute = "*", second = "*/2", persistent = false)
  @Lock(LockType.READ)
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  void poll() {
    if (!busy.compareAndSet(false, true)) {
      return;
    }
    try {
      for (HolderJob<?> k : ready) {
        drain(k);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      busy.set(false);
    }
  }

  private <C> void drain(HolderJob<C> kind) throws InterruptedException {
    try {
      Optional<C> claim;
      while ((claim = kind.claim(WORKER)).isPresent()) {
        run(kind, claim.get());
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, kind.name() + " job polling failed; retried on the next tick", e);
    }
  }

  private <C> void run(HolderJob<C> kind, C claim) throws InterruptedException {
    long every = Math.max(1, kind.lease().toSeconds() / 3);
    ScheduledFuture<?> beat = beats.scheduleAtFixedRate(() -> {
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
