package jp.enclave.server.closure;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;
import jp.enclave.server.holderjobs.HolderCli;
import jp.enclave.server.holderjobs.HolderJob;
import jp.enclave.server.holderjobs.HolderZone;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Project end as a holder-zone job: an ENDING project's archive is written (by the server: it
 * holds only the server's own records), then its extract is crypto-shredded by the holder's CLI
 * as a process and the certificate recorded. Configured like re-identification
 * ({@code enclave.holder.home} and {@code enclave.holder.command} or {@code enclave.pseudonymizer.jar});
 * archives go to {@code enclave.closure.archive-dir} (default {@code <enclave.home>/archive}).
 */
@ApplicationScoped
public class ClosureJob implements HolderJob<ClosureJobs.Claim> {
  private static final Logger LOG = Logger.getLogger(ClosureJob.class.getName());

  @Inject
  ClosureJobs jobs;
  @Inject
  HolderZone zone;
  @Inject
  @ConfigProperty(name = "enclave.closure.archive-dir")
  Optional<String> archiveDir;
  @Inject
  @ConfigProperty(name = "enclave.home")
  Optional<String> enclaveHome;

  private HolderDeletion holder;
  private Path archives;

  @PostConstruct
  void init() {
    archives = archiveDir.map(Path::of).orElseGet(() -> enclaveHome.map(h -> Path.of(h, "archive")).orElse(null));
    holder = zone.cli("512m").map(HolderDeletion::new).orElse(null);
  }

  @Override
  public String name() {
    return "project end";
  }

  @Override
  public Optional<String> unavailable() {
    if (holder == null) {
      return Optional.of(HolderZone.UNAVAILABLE);
    }
    if (archives == null) {
      return Optional.of("neither enclave.closure.archive-dir nor enclave.home is set");
    }
    return Optional.empty();
  }

  @Override
  public Duration lease() {
    return zone.lease();
  }

  @Override
  public Optional<ClosureJobs.Claim> claim(String worker) {
    return jobs.claim(worker, lease());
  }

  @Override
  public boolean heartbeat(ClosureJobs.Claim claim, String worker) {
    return jobs.heartbeat(claim.projectId(), worker);
  }

  @Override
  public void run(ClosureJobs.Claim c, String worker) throws InterruptedException {
    long t0 = System.nanoTime();
    try {
      if (c.step() == ClosureJobs.Step.ARCHIVE) {
        ProjectArchive.Written a = ProjectArchive.write(archives, c.projectId(), c.projectId(),
            jobs.archiveContent(c.projectId()));
        jobs.archived(c.projectId(), worker, a);
        LOG.info("project " + c.projectId() + " archived to " + a.dir() + " in "
            + (System.nanoTime() - t0) / 1_000_000 + " ms");
      } else {
        JsonNode outcome = holder.delete(c.projectId(), c.closure().requestedBy());
        jobs.certified(c.projectId(), worker, outcome);
        LOG.info("project " + c.projectId() + " shredded (" + outcome.path("status").asText() + ") in "
            + (System.nanoTime() - t0) / 1_000_000 + " ms");
      }
    } catch (HolderCli.Failed e) {
      jobs.fail(c.projectId(), worker, e.getMessage());
    } catch (IOException | RuntimeException e) {
      jobs.fail(c.projectId(), worker, (c.step() == ClosureJobs.Step.ARCHIVE ? "the archive could not be written: "
          : "the holder's deletion could not be run: ") + e.getMessage());
    }
  }
}
