package jp.enclave.server.portal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.provisioning.ProvisioningJob;
import jp.enclave.server.provisioning.ProvisioningService;
import jp.enclave.server.registry.Project;
import jp.enclave.server.registry.RegistryService;

/**
 * The steward's provisioning page: each project with its latest job, a button that approves its
 * current data scope for provisioning, and every job with its progress (the page reloads itself
 * while a job is queued or running).
 */
@Named
@RequestScoped
@Transactional(dontRollbackOn = Refusal.class)
public class ProvisioningPage {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject
  ProvisioningService provisioning;
  @Inject
  RegistryService registry;
  @Inject
  PortalUser user;

  private List<ProvisioningJob> jobs;
  private List<Project> projects;

  public String provision(String projectId) {
    RegistryPage.act(() -> {
      ProvisioningService.Requested r = provisioning.request(user.caller(), projectId);
      Feedback.done(r.created() ? "done.provisioningRequested" : "done.provisioningExists", projectId);
    });
    jobs = null;
    return null;
  }

  public List<ProvisioningJob> getJobs() {
    if (jobs == null) {
      jobs = RegistryPage.read(() -> provisioning.jobs(user.caller()));
    }
    return jobs;
  }

  public List<Project> getProjects() {
    if (projects == null) {
      projects = RegistryPage.read(() -> registry.projects(user.caller()));
    }
    return projects;
  }

  /** The latest job of each project (jobs are newest first). */
  public Map<String, ProvisioningJob> getLatest() {
    return getJobs().stream().collect(Collectors.toMap(ProvisioningJob::projectId, Function.identity(), (a, b) -> a));
  }

  public boolean isActive() {
    return getJobs().stream().anyMatch(ProvisioningJob::active);
  }

  /** Rows per table of a finished job, e.g. "patient 120, diagnosis 804". */
  public String rows(ProvisioningJob j) {
    if (j.result() == null) {
      return "";
    }
    try {
      JsonNode tables = JSON.readTree(j.result()).path("tables");
      List<String> out = new ArrayList<>();
      tables.fields().forEachRemaining(e -> out.add(e.getKey() + " " + String.format("%,d", e.getValue().asLong())));
      return String.join(", ", out);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  public boolean alreadyProvisioned(ProvisioningJob j) {
    return j.result() != null && j.result().contains("\"alreadyProvisioned\":true");
  }
}
