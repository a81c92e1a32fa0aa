package jp.enclave.server.reidentification;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import jp.enclave.server.holderjobs.HolderCli;
import jp.enclave.server.holderjobs.HolderJob;
import jp.enclave.server.holderjobs.HolderZone;

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
  HolderZone zone;

  private HolderProcess holder;

  @PostConstruct
  void init() {
    holder = zone.cli("1g").map(HolderProcess::new).orElse(null);
  }


  @Override
  public String name() {
    return "re-identification";
  }

  @Override
  public Optional<String> unavailable() {
    return holder == null ? Optional.of(HolderZone.UNAVAILABLE) : Optional.empty();
  }

  @Override
  public Duration lease() {
    return zone.lease();
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
    } catch (HolderCli.Failed e) {
      jobs.fail(c.jobId(), worker, e.getMessage());
    } catch (IOException e) {
      jobs.fail(c.jobId(), worker, "the holder's files could not be written or read: " + e.getMessage());
    }
  }
}
