package jp.enclave.server.reidentification;

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
 * Approved re-identifications as a kind of the one holder-zone job runner: each runs in the data
 * holder's zone ({@link HolderProcess}). Without {@code enclave.holder.home} and
 * {@code enclave.holder.command} (or {@code enclave.pseudonymizer.jar}) approved requests stay queued.
 */
@ApplicationScoped
public class ReidJob implements HolderJob<ReidJobs.Claim> {
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

  private HolderProcess holder;

  @PostConstruct
  void init() {
    List<String> cmd = command.filter(c -> !c.isBlank()).map(c -> Arrays.asList(c.trim().split("\\s+")))
        .orElseGet(() -> jar.filter(j -> !j.isBlank()).map(j -> List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-jar", j)).orElse(null));
    if (cmd == null || home.isEmpty()) {
      return;
    }
    holder = new HolderProcess(new HolderProcess.Settings(cmd, Path.of(home.get()),
        Path.of(workDir.orElse(System.getProperty("java.io.tmpdir") + "/enclave-holder")),
        Duration.ofSeconds(timeoutSeconds)));
  }

  @Override
  public String name() {
    return "re-identification";
  }

  @Override
  public int order() {
    return 20;
  }

  @Override
  public Optional<String> unavailable() {
    return holder == null
        ? Optional.of("enclave.holder.home and enclave.holder.command / enclave.pseudonymizer.jar not set")
        : Optional.empty();
  }

  @Override
  public Duration lease() {
    return Duration.ofSeconds(leaseSeconds);
  }

  @Override
  public Optional<ReidJobs.Claim> claim(String worker) {
    return jobs.claim(worker, lease());
  }

  @Override
  public boolean heartbeat(ReidJobs.Claim c, String worker) {
    return jobs.heartbeat(c.jobId(), worker);
  }

  @Override
  public void run(ReidJobs.Claim c, String worker) throws InterruptedException {
    try {
      jobs.complete(c.jobId(), worker, holder.reidentify(c.jobId(), c.request()));
    } catch (HolderProcess.Failed e) {
      jobs.fail(c.jobId(), worker, e.getMessage());
    } catch (IOException e) {
      jobs.fail(c.jobId(), worker, "the holder's files could not be written or read: " + e.getMessage());
    }
  }
}
