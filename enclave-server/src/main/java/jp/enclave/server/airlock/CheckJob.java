package jp.enclave.server.airlock;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import jp.enclave.server.holderjobs.HolderJob;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Checking as a kind of the one holder-zone job runner: claims a queued check, runs the output
 * checker as a separate process ({@link CheckerProcess}) outside any transaction, then records the
 * verdicts. Without {@code enclave.checker.command} or {@code enclave.checker.jar} configured, jobs
 * stay queued (the request shows "queued").
 */
@ApplicationScoped
public class CheckJob implements HolderJob<CheckJobs.Claim> {
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

  private CheckerProcess checker;

  @PostConstruct
  void init() {
    List<String> cmd = command.filter(c -> !c.isBlank()).map(c -> Arrays.asList(c.trim().split("\\s+")))
        .orElseGet(() -> jar.filter(j -> !j.isBlank()).map(j -> List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-jar", j)).orElse(null));
    if (cmd == null) {
      return;
    }
    Path work = Path.of(workDir.orElse(System.getProperty("java.io.tmpdir") + "/enclave-checker"));
    checker = new CheckerProcess(new CheckerProcess.Settings(cmd, work, extractHome.map(Path::of),
        gatewayAudit.map(Path::of), Duration.ofSeconds(timeoutSeconds)));
  }

  @Override
  public String name() {
    return "export check";
  }

  @Override
  public Optional<String> unavailable() {
    return checker == null ? Optional.of("enclave.checker.command / enclave.checker.jar not set") : Optional.empty();
  }

  @Override
  public Duration lease() {
    return Duration.ofSeconds(leaseSeconds);
  }

  @Override
  public Optional<CheckJobs.Claim> claim(String worker) {
    return jobs.claim(worker, lease());
  }

  @Override
  public boolean heartbeat(CheckJobs.Claim c, String worker) {
    return jobs.heartbeat(c.jobId(), worker);
  }

  @Override
  public void run(CheckJobs.Claim c, String worker) throws InterruptedException {
    try {
      jobs.complete(c.jobId(), worker, checker.check(c.jobId(), c.request(), c.released()));
    } catch (CheckerProcess.Failed e) {
      jobs.fail(c.jobId(), worker, e.getMessage());
    } catch (IOException e) {
      jobs.fail(c.jobId(), worker, "the checker's files could not be written or read: " + e.getMessage());
    }
  }
}
