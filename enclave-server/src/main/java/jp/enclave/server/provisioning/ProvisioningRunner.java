package jp.enclave.server.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs queued provisioning jobs one at a time on a thread of its own: claims a job, runs the
 * holder's pipeline for it as a separate process, records its progress, then its outcome, then
 * imports the holder's inventory. At start it first recovers the jobs a stopped server left
 * running (queued again, or failed after too many stops) and imports the inventory once.
 */
@Singleton
@Startup
@DependsOn("Migrations")
public class ProvisioningRunner {
  private static final Logger LOG = Logger.getLogger(ProvisioningRunner.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long IDLE_MILLIS = 1000;

  @Resource
  ManagedThreadFactory threads;
  @Inject
  JobTransactions tx;
  @Inject
  HolderPipeline pipeline;

  private volatile boolean stopping;
  private Thread loop;

  @PostConstruct
  void start() {
    loop = threads.newThread(this::run);
    loop.setName("provisioning-runner");
    loop.start();
  }

  @PreDestroy
  void stop() {
    stopping = true;
    pipeline.stopCurrent();
    if (loop != null) {
      loop.interrupt();
    }
  }

  private void run() {
    try {
      List<ProvisioningJob> recovered = tx.recover();
      recovered.forEach(j -> LOG.info("provisioning job " + j.id() + " of " + j.projectId() + " found running at start: "
          + j.state() + " (" + j.reason() + ")"));
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "recovering provisioning jobs failed", e);
    }
    refreshInventory();
    while (!stopping) {
      try {
        Optional<ProvisioningService.Claimed> next = tx.claim();
        if (next.isEmpty()) {
          Thread.sleep(IDLE_MILLIS);
          continue;
        }
        execute(next.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        if (stopping) {
          return;
        }
        LOG.log(Level.SEVERE, "provisioning runner step failed; retrying", e);
        sleepQuietly();
      }
    }
  }

  private void execute(ProvisioningService.Claimed claimed) {
    ProvisioningJob job = claimed.job();
    Optional<String> unavailable = pipeline.unavailable();
    if (unavailable.isPresent()) {
      tx.fail(job.id(), unavailable.get());
      return;
    }
    LOG.info("provisioning " + job.projectId() + " (job " + job.id() + ", attempt " + job.attempt() + ")");
    int[] shown = {-1};
    String[] phase = {null};
    HolderPipeline.Outcome outcome;
    try {
      outcome = pipeline.provision(claimed.spec(), e -> {
        int percent = e.path("percent").asInt();
        String p = e.path("phase").asText();
        if (percent != shown[0] || !p.equals(phase[0])) {
          shown[0] = percent;
          phase[0] = p;
          try {
            tx.progress(job.id(), p, percent, e.path("detail").asText(null));
          } catch (RuntimeException failed) {
            // Progress is shown, not relied on: keep reading the pipeline so its outcome is recorded.
            LOG.log(Level.WARNING, "recording progress of job " + job.id() + " failed: " + failed.getMessage());
          }
        }
      });
    } catch (RuntimeException e) {
      if (stopping) {
        return; // the server is stopping: the job stays running and is recovered at the next start
      }
      outcome = new HolderPipeline.Outcome(false, null, e.getMessage());
    }
    if (stopping) {
      return;
    }
    if (outcome.ok()) {
      tx.succeed(job.id(), summary(outcome.done()));
      refreshInventory();
    } else {
      tx.fail(job.id(), outcome.reason());
    }
  }

  /** What the job shows and audits: rows per table and whether anything was made. No data value. */
  private static String summary(JsonNode done) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("alreadyProvisioned", done.path("alreadyProvisioned").asBoolean());
    s.put("persons", done.path("persons").isNumber() ? done.path("persons").asLong() : null);
    s.put("tables", JSON.convertValue(done.path("tables"), Map.class));
    s.put("exportedTo", done.path("exportedTo").size());
    s.put("millis", done.path("millis").asLong());
    try {
      return JSON.writeValueAsString(s);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void refreshInventory() {
    if (pipeline.unavailable().isPresent() || !java.nio.file.Files.isDirectory(pipeline.holderHome())) {
      return;
    }
    try {
      var imported = tx.importInventory(pipeline.inventory());
      if (imported.changed()) {
        LOG.info("holder inventory imported: " + imported.report().assets().size() + " assets");
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "importing the holder's inventory failed: " + e.getMessage());
    }
  }

  private void sleepQuietly() {
    try {
      Thread.sleep(IDLE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
