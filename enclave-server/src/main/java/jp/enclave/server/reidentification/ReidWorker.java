package jp.enclave.server.reidentification;

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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs approved re-identifications in the data holder's zone ({@link HolderProcess}), one at a
 * time. Without {@code enclave.holder.home} and {@code enclave.holder.command} (or
 * {@code enclave.pseudonymizer.jar}) approved requests stay queued.
 */
@Singleton
public class ReidWorker {
  private static final Logger LOG = Logger.getLogger(ReidWorker.class.getName());
  static final String WORKER = "server-" + UUID.randomUUID();

  @Inject
  ReidJobs jobs;
  @Inject
  @ConfigProperty(name = "enclave.holder.command")
  Optional<String> command;
  @Inject
  @ConfigProperty(name = "enclave.pseudonymizer.jar")
  Optional<String> jar;
  @Inject
  @ConfigProperty(name = "enclave.holder.home")
  Optional<String> home;
  @Inject
  @ConfigProperty(name = "enclave.holder.work-dir")
  Optional<String> workDir;
  @Inject
  @ConfigProperty(name = "enclave.holder.timeout-seconds", defaultValue = "600")
  long timeoutSeconds;
  @Inject
  @ConfigProperty(name = "enclave.holder.lease-seconds", defaultValue = "60")
  long leaseSeconds;

  private final AtomicBoolean busy = new AtomicBoolean();
  private HolderProcess holder;

  @PostConstruct
  void init() {
    List<String> cmd = command.filter(c -> !c.isBlank()).map(c -> Arrays.asList(c.trim().split("\\s+")))
        .orElseGet(() -> jar.filter(j -> !j.isBlank()).map(j -> List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-jar", j)).orElse(null));
    if (cmd == null || home.isEmpty()) {
      LOG.warning("enclave.holder.home and enclave.holder.command / .jar not set: re-identifications stay queued");
      return;
    }
    holder = new HolderProcess(new HolderProcess.Settings(cmd, Path.of(home.get()),
        Path.of(workDir.orElse(System.getProperty("java.io.tmpdir") + "/enclave-holder")),
        Duration.ofSeconds(timeoutSeconds)));
  }

  @Schedule(hour = "*", minute = "*", second = "*/2", persistent = false)
  @Lock(LockType.READ)
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  void poll() {
    if (holder == null || !busy.compareAndSet(false, true)) {
      return;
    }
    try {
      Optional<ReidJobs.Claim> claim;
      while ((claim = jobs.claim(WORKER, Duration.ofSeconds(leaseSeconds))).isPresent()) {
        ReidJobs.Claim c = claim.get();
        try {
          jobs.complete(c.jobId(), WORKER, holder.reidentify(c.jobId(), c.request()));
        } catch (HolderProcess.Failed e) {
          jobs.fail(c.jobId(), WORKER, e.getMessage());
        } catch (IOException e) {
          jobs.fail(c.jobId(), WORKER, "the holder's files could not be written or read: " + e.getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "re-identification polling failed; retried on the next tick", e);
    } finally {
      busy.set(false);
    }
  }
}
