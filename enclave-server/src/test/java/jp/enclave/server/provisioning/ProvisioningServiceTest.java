package jp.enclave.server.provisioning;

import static jp.enclave.server.Fixtures.RESEARCHER;
import static jp.enclave.server.Fixtures.STEWARD;
import static jp.enclave.server.Fixtures.TODAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jp.enclave.server.Fixtures;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.access.Refusals;
import jp.enclave.server.registry.Project;
import org.junit.jupiter.api.Test;

/** Requests, idempotency by project and scope, the runner's steps and recovery after a stopped server. */
class ProvisioningServiceTest {
  /** In memory, with the JPA store's rules: versions, and one non-failed job per project and scope. */
  static final class Jobs implements JobStore {
    final Map<String, ProvisioningJob> rows = new LinkedHashMap<>();

    public Optional<ProvisioningJob> find(String id) { return Optional.ofNullable(rows.get(id)); }
    public Optional<ProvisioningJob> once(String p, String h) {
      return rows.values().stream().filter(j -> j.projectId().equals(p) && j.scopeSha256().equals(h)
          && j.state() != JobState.FAILED).findFirst();
    }
    public List<ProvisioningJob> all() { return new ArrayList<>(rows.values()); }
    public List<ProvisioningJob> inState(JobState s) { return rows.values().stream().filter(j -> j.state() == s).toList(); }
    public Optional<ProvisioningJob> claimNext() { return inState(JobState.QUEUED).stream().findFirst(); }
    public void insert(ProvisioningJob j) {
      if (once(j.projectId(), j.scopeSha256()).isPresent()) {
        throw new IllegalStateException("unique index provisioning_job_once");
      }
      rows.put(j.id(), j);
    }
    public void update(ProvisioningJob j) {
      ProvisioningJob cur = rows.get(j.id());
      if (cur.version() != j.version()) {
        throw Refusals.stale("provisioning job", j.id(), j.version(), cur.version());
      }
      rows.put(j.id(), new ProvisioningJob(j.id(), j.projectId(), j.scopeSha256(), j.state(), j.phase(), j.percent(),
          j.detail(), j.reason(), j.result(), j.attempt(), j.requestedBy(), j.requestedAt(), j.startedAt(),
          j.finishedAt(), j.updatedAt(), j.version() + 1));
    }
  }

  final Fixtures f = new Fixtures().eligible();
  final Jobs jobs = new Jobs();
  final ProvisioningService service = new ProvisioningService(jobs, f.registryStore, f.access, f.audit, f.clock);

  @Test
  void aRepeatReturnsTheSameJobAndProvisionsOnce() {
    ProvisioningService.Requested first = service.request(STEWARD, "p-dm");
    ProvisioningService.Requested again = service.request(STEWARD, "p-dm");
    assertThat(first.created()).isTrue();
    assertThat(again.created()).isFalse();
    assertThat(again.job().id()).isEqualTo(first.job().id());
    assertThat(jobs.rows).hasSize(1);
    assertThat(f.audit.events()).containsOnlyOnce("provisioning.requested");

    ProvisioningService.Claimed c = service.claim().orElseThrow();
    assertThat(service.claim()).as("one job, claimed once").isEmpty();
    service.progress(c.job().id(), "table", 50, "diagnosis");
    service.succeed(c.job().id(), "{\"tables\":{\"patient\":10}}");
    // Succeeded: the same scope is still not provisioned again.
    ProvisioningService.Requested later = service.request(STEWARD, "p-dm");
    assertThat(later.created()).isFalse();
    assertThat(later.job().state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(later.job().percent()).isEqualTo(100);
    assertThat(f.audit.events()).containsSubsequence("provisioning.requested", "provisioning.started",
        "provisioning.succeeded").doesNotContain("provisioning.progress");
  }

  @Test
  void theSpecCarriesTheApprovalOfTheStewardWhoAsked() throws Exception {
    service.request(STEWARD, "p-dm");
    var spec = new ObjectMapper().readTree(service.claim().orElseThrow().spec());
    assertThat(spec.path("projectId").asText()).isEqualTo("p-dm");
    assertThat(spec.path("approval").path("status").asText()).isEqualTo("approved");
    assertThat(spec.path("approval").path("approvedBy").asText()).isEqualTo(STEWARD.subject());
    assertThat(spec.path("approval").path("approvedOn").asText()).isEqualTo(TODAY.toString());
    assertThat(spec.path("tables").path("patient").get(0).asText()).isEqualTo("*");
  }

  @Test
  void afterAFailureTheReasonIsKeptAndANewRequestMakesANewJob() {
    String id = service.request(STEWARD, "p-dm").job().id();
    service.claim();
    ProvisioningJob failed = service.fail(id, "tables.patients: no such table in the store");
    assertThat(failed.state()).isEqualTo(JobState.FAILED);
    assertThat(failed.reason()).contains("no such table");
    ProvisioningService.Requested retry = service.request(STEWARD, "p-dm");
    assertThat(retry.created()).isTrue();
    assertThat(retry.job().id()).isNotEqualTo(id);
  }

  @Test
  void onlyAStewardRequestsAndTheDenialIsAudited() {
    assertThatThrownBy(() -> service.request(RESEARCHER, "p-dm")).isInstanceOf(Refusal.class)
        .extracting(e -> ((Refusal) e).code()).isEqualTo("not-permitted");
    assertThat(f.audit.events()).endsWith("access.denied");
    assertThat(jobs.rows).isEmpty();
    assertThatThrownBy(() -> service.request(STEWARD, "p-none")).extracting(e -> ((Refusal) e).code())
        .isEqualTo("project-not-found");
  }

  @Test
  void aLapsedApprovalIsRefusedWhenAskedAndWhenAQueuedJobWouldStart() {
    f.registry.registerProject(STEWARD, Fixtures.project("p-old", "org-a", TODAY.minusYears(2), TODAY.minusDays(1),
        Map.of()));
    assertThatThrownBy(() -> service.request(STEWARD, "p-old")).extracting(e -> ((Refusal) e).code())
        .isEqualTo("provision-approval-lapsed");

    // Queued while valid; the approval is shortened before the runner gets to it.
    String id = service.request(STEWARD, "p-dm").job().id();
    Project p = f.registryStore.project("p-dm").orElseThrow();
    f.registryStore.update(new Project(p.id(), p.title(), p.organisationId(), p.decisionNumber(), p.purpose(),
        p.dataScope(), TODAY.minusYears(1), TODAY.minusDays(1), p.members(), p.version()));
    assertThat(service.claim()).isEmpty();
    assertThat(jobs.find(id).orElseThrow().state()).isEqualTo(JobState.FAILED);
    assertThat(jobs.find(id).orElseThrow().reason()).contains("approval is not valid today");
  }

  @Test
  void aScopeChangedWhileQueuedIsRefusedAtStart() {
    String id = service.request(STEWARD, "p-dm").job().id();
    Project p = f.registryStore.project("p-dm").orElseThrow();
    f.registryStore.update(new Project(p.id(), p.title(), p.organisationId(), p.decisionNumber(), p.purpose(),
        "{\"projectId\":\"p-dm\",\"tables\":{\"diagnosis\":[\"*\"]}}", p.approvedFrom(), p.approvedUntil(),
        p.members(), p.version()));
    assertThat(service.claim()).isEmpty();
    assertThat(jobs.find(id).orElseThrow().reason()).contains("data scope changed");
  }

  @Test
  void aServerStoppedMidJobRequeuesItThenFailsItAfterTooManyStops() {
    String id = service.request(STEWARD, "p-dm").job().id();
    for (int attempt = 1; attempt < ProvisioningService.MAX_ATTEMPTS; attempt++) {
      assertThat(service.claim().orElseThrow().job().attempt()).isEqualTo(attempt);
      service.progress(id, "table", 40, "diagnosis");
      List<ProvisioningJob> recovered = service.recover();
      assertThat(recovered).singleElement().satisfies(j -> {
        assertThat(j.state()).isEqualTo(JobState.QUEUED);
        assertThat(j.percent()).isZero();
        assertThat(j.reason()).contains("server stopped");
      });
    }
    service.claim();
    ProvisioningJob given = service.recover().get(0);
    assertThat(given.state()).isEqualTo(JobState.FAILED);
    assertThat(given.reason()).contains("stopped during this job " + ProvisioningService.MAX_ATTEMPTS + " times");
    assertThat(f.audit.events().stream().filter("provisioning.interrupted"::equals))
        .hasSize(ProvisioningService.MAX_ATTEMPTS - 1);
  }

  @Test
  void aFinishedJobTakesNoFurtherStep() {
    String id = service.request(STEWARD, "p-dm").job().id();
    service.claim();
    service.succeed(id, "{}");
    assertThatThrownBy(() -> service.fail(id, "late")).extracting(e -> ((Refusal) e).code())
        .isEqualTo("provisioning-transition-invalid");
    assertThatThrownBy(() -> service.progress(id, "table", 10, null)).extracting(e -> ((Refusal) e).code())
        .isEqualTo("provisioning-transition-invalid");
    assertThat(jobs.find(id).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
  }
}
