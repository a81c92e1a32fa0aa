package jp.enclave.server.airlock;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
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
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs queued checks in the background, one at a time per server: claims a job, runs the output
 * checker as a separate process ({@link CheckerProcess}) outside any transaction, renews the job's
 * lease while it runs, then records the verdicts. Without {@code enclave.checker.command} or
 * {@code enclave.checker.jar} configured, jobs stay queued (the request shows "queued").
 */
@Singleton
public class CheckWorker {
  private static final Logger LOG = Logger.getLogger(CheckWorker.class.getName());
  /** One id per server start: a job claimed by an earlier start is recognised as abandoned once its lease ends. */
  static final String WORKER = "server-" + UUID.randomUUID();

  @Inject
  CheckJobs jobs;
  @Inject
  @ConfigProperty(name = "enclave.checker.command")
  Optional<String> command;
  @Inject
  @ConfigProperty(name = "enclave.checker.jar")
  Optional<String> jar;
  @Inject
  @ConfigProperty(name = "enclave.checker.work-dir")
  Optional<String> workDir;
  @Inject
  @ConfigProperty(name = "enclave.checker.extract-home")
  Optional<String> extractHome;
  @Inject
  @ConfigProperty(name = "enclave.checker.gateway-audit")
  Optional<String> gatewayAudit;
  @Inject
  @ConfigProperty(name = "enclave.checker.timeout-seconds", defaultValue = "600")
  long timeoutSeconds;
  @Inject
  @ConfigProperty(name = "enclave.checker.lease-seconds", defaultValue = "60")
  long leaseSeconds;

  private final AtomicBoolean busy = new AtomicBoolean();
  private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "check-job-lease");
    t.setDaemon(true);
    return t;
  });
  private CheckerProcess checker;

  @PostConstruct
  void init() {
    List<String> cmd = command.filter(c -> !c.isBlank()).map(c -> Arrays.asList(c.trim().split("\\s+")))
        .orElseGet(() -> jar.filter(j -> !j.isBlank()).map(j -> List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-jar", j)).orElse(null));
    if (cmd == null) {
      LOG.warning("enclave.checker.command / enclave.checker.jar not set: export checks stay queued");
      return;
    }
    Path work = Path.of(workDir.orElse(System.getProperty("java.io.tmpdir") + "/enclave-checker"));
    checker = new CheckerProcess(new CheckerProcess.Settings(cmd, work, extractHome.map(Path::of),
        gatewayAudit.map(Path::of), Duration.ofSeconds(timeoutSeconds)));
  }

  @Schedule(hour = "*", minute = "*", second = "*/2", persistent = false)
  @Lock(LockType.READ)
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  void poll() {
    if (checker == null || !busy.compareAndSet(false, true)) {
      return;
    }
    try {
      Optional<CheckJobs.Claim> claim;
      while ((claim = jobs.claim(WORKER, Duration.ofSeconds(leaseSeconds))).isPresent()) {
        run(claim.get());
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "check job polling failed; retried on the next tick", e);
    } finally {
      busy.set(false);
    }
  }

  private void run(CheckJobs.Claim c) {
    long every = Math.max(1, leaseSeconds / 3);
    ScheduledFuture<?> beat = beats.scheduleAtFixedRate(() -> {
      try {
        jobs.heartbeat(c.jobId(), WORKER);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "lease renewal of check job " + c.jobId() + " failed", e);
      }
    }, every, every, TimeUnit.SECONDS);
    try {
      CheckOutcome outcome = checker.check(c.jobId(), c.request(), c.released());
      beat.cancel(false);
      jobs.complete(c.jobId(), WORKER, outcome);
    } catch (CheckerProcess.Failed e) {
      beat.cancel(false);
      jobs.fail(c.jobId(), WORKER, e.getMessage());
    } catch (IOException e) {
      beat.cancel(false);
      jobs.fail(c.jobId(), WORKER, "the checker's files could not be written or read: " + e.getMessage());
    } catch (InterruptedException e) {
      beat.cancel(false);
      Thread.currentThread().interrupt();
    } finally {
      beat.cancel(false);
    }
  }
}
