package jp.enclave.server.provisioning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import jp.enclave.server.access.Access;
import jp.enclave.server.access.Caller;
import jp.enclave.server.access.Refusals;
import jp.enclave.server.audit.AuditTrail;
import jp.enclave.server.provisioning.JobTransitions.Event;
import jp.enclave.server.provisioning.JobTransitions.Transition;
import jp.enclave.server.registry.DataScope;
import jp.enclave.server.registry.Project;
import jp.enclave.server.registry.RegistryStore;
import jp.enclave.server.sessions.SessionService;

/**
 * Provisioning jobs: a steward approves a project's data scope for provisioning; the server's
 * runner then runs the data holder's pipeline for it as a separate process and reports back
 * here. A job is one per project and scope (its SHA-256): a repeat returns the job that is
 * queued, running or done instead of provisioning twice; only after a failure is a new job made.
 * Each state change and its audit row are one transaction (the caller's).
 */
public final class ProvisioningService {
  /** A job interrupted by this many server stops is failed rather than re-run again. */
  public static final int MAX_ATTEMPTS = 3;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final JobStore jobs;
  private final RegistryStore registry;
  private final Access access;
  private final AuditTrail audit;
  private final Clock clock;
  /** Why a project can no longer be provisioned because it has ended or is ending (the closure package answers). */
  private final SessionService.ProjectEnds ended;

  public ProvisioningService(JobStore jobs, RegistryStore registry, Access access, AuditTrail audit, Clock clock) {
    this(jobs, registry, access, audit, clock, SessionService.ProjectEnds.NONE);
  }

  public ProvisioningService(JobStore jobs, RegistryStore registry, Access access, AuditTrail audit, Clock clock,
      SessionService.ProjectEnds ended) {
    this.ended = ended;
    this.jobs = jobs;
    this.registry = registry;
    this.access = access;
    this.audit = audit;
    this.clock = clock;
  }

  /** {@code created}: false when an existing job for this scope was returned. */
  public record Requested(ProvisioningJob job, boolean created) {}

  /** What the runner runs: the job and the project spec handed to the holder's pipeline. */
  public record Claimed(ProvisioningJob job, String spec) {}

  public Requested request(Caller c, String projectId) {
    Project p = registry.project(projectId).orElseThrow(() -> Refusals.notFound("project", projectId));
    access.requireProvision(c, p);
    ended.requireNotEnded(audit, c, p.id(), "provision the project");
    List<String> problems = DataScope.problems(p.id(), p.dataScope());
    if (!problems.isEmpty()) {
      throw Refusals.invalid("data-scope", problems);
    }
    String hash = scopeSha256(p.dataScope());
    Optional<ProvisioningJob> existing = jobs.once(p.id(), hash);
    if (existing.isPresent()) {
      return new Requested(existing.get(), false);
    }
    Instant now = clock.instant();
    ProvisioningJob j = new ProvisioningJob(UUID.randomUUID().toString(), p.id(), hash, JobState.QUEUED, "queued", 0,
        null, null, null, 0, c.subject(), now, null, null, now, 0);
    jobs.insert(j);
    audit.record(c.subject(), "provisioning.requested", "provisioning/" + j.id(),
        Map.of("project", p.id(), "dataScopeSha256", hash));
    return new Requested(jobs.find(j.id()).orElseThrow(), true);
  }

  public List<ProvisioningJob> jobs(Caller c) {
    access.requireViewRegistry(c);
    return jobs.all();
  }

  public ProvisioningJob job(Caller c, String id) {
    access.requireViewRegistry(c);
    return jobs.find(id).orElseThrow(() -> Refusals.notFound("provisioning-job", id));
  }

  /**
   * Takes the oldest queued job and starts it, or refuses it when its project is gone, its scope
   * changed or its approval lapsed while it waited. Empty when nothing is queued.
   */
  public Optional<Claimed> claim() {
    Optional<ProvisioningJob> next = jobs.claimNext();
    if (next.isEmpty()) {
      return Optional.empty();
    }
    ProvisioningJob j = next.get();
    Optional<Project> p = registry.project(j.projectId());
    Optional<String> refusal = p.isEmpty() ? Optional.of("the project is no longer registered")
        : !scopeSha256(p.get().dataScope()).equals(j.scopeSha256())
            ? Optional.of("the project's data scope changed after this job was requested; request provisioning again")
            : ended.why(p.get().id()).map(why -> "the project has ended (" + why + ")")
                .or(() -> access.provisionLapse(p.get()));
    if (refusal.isPresent()) {
      move(j, Event.REFUSE, refusal.get(), null);
      return claim();
    }
    ProvisioningJob started = move(j, Event.START, null, null);
    return Optional.of(new Claimed(started, spec(p.get(), j.requestedBy(), LocalDate.now(clock.withZone(Access.ZONE)))));
  }

  /** A step of the running job (no audit row: the outcome is audited, not each step). */
  public void progress(String id, String phase, int percent, String detail) {
    ProvisioningJob j = jobs.find(id).orElseThrow(() -> Refusals.notFound("provisioning-job", id));
    transition(j, Event.PROGRESS);
    jobs.update(j.withProgress(phase, percent, detail));
  }

  public ProvisioningJob succeed(String id, String resultJson) {
    ProvisioningJob j = jobs.find(id).orElseThrow(() -> Refusals.notFound("provisioning-job", id));
    return move(j.withProgress("done", 100, j.detail()), Event.SUCCEED, null, resultJson);
  }

  public ProvisioningJob fail(String id, String reason) {
    ProvisioningJob j = jobs.find(id).orElseThrow(() -> Refusals.notFound("provisioning-job", id));
    return move(j, Event.FAIL, reason, null);
  }

  /**
   * At server start: every job left running by a server that stopped (crash, kill -9) is queued
   * again (its re-run provisions at most once: the holder's pipeline is idempotent per scope and
   * waits for a still-running orphan under the project's lock), or failed with the reason after
   * {@link #MAX_ATTEMPTS} starts.
   */
  public List<ProvisioningJob> recover() {
    return jobs.inState(JobState.RUNNING).stream().map(j -> j.attempt() >= MAX_ATTEMPTS
        ? move(j, Event.FAIL, "the server stopped during this job " + j.attempt()
            + " times; it was not re-run again. Request it again after checking the holder's log", null)
        : move(j, Event.INTERRUPT, "the server stopped while this job ran (attempt " + j.attempt()
            + "); queued to run again", null)).toList();
  }

  private ProvisioningJob move(ProvisioningJob j, Event e, String reason, String result) {
    Transition t = transition(j, e);
    ProvisioningJob moved = j.withOutcome(reason, result).moved(t.to(), clock.instant());
    if (t.to() == JobState.QUEUED) {
      moved = moved.withProgress("queued", 0, null);
    } else if (t.to() == JobState.FAILED) {
      moved = moved.withProgress("failed", moved.percent(), moved.detail());
    }
    jobs.update(moved);
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("project", j.projectId());
    detail.put("dataScopeSha256", j.scopeSha256());
    detail.put("attempt", moved.attempt());
    if (reason != null) {
      detail.put("reason", reason);
    }
    if (result != null) {
      detail.put("result", result);
    }
    audit.record(Caller.SYSTEM.subject(), t.auditEvent(), "provisioning/" + j.id(), detail);
    return jobs.find(j.id()).orElseThrow();
  }

  private static Transition transition(ProvisioningJob j, Event e) {
    return JobTransitions.find(j.state(), e).orElseThrow(() -> Refusals.jobTransition(j.id(),
        j.state().name().toLowerCase(java.util.Locale.ROOT), e.name().toLowerCase(java.util.Locale.ROOT)));
  }

  /**
   * The pseudonymizer's project spec for this approval: the recorded data scope with the approval
   * the steward gives by requesting the job (the holder provisions approved specs only).
   */
  static String spec(Project p, String approvedBy, LocalDate on) {
    try {
      ObjectNode spec = (ObjectNode) JSON.readTree(p.dataScope());
      spec.put("projectId", p.id());
      if (!spec.hasNonNull("title")) {
        spec.put("title", p.title());
      }
      ObjectNode approval = spec.putObject("approval");
      approval.put("status", "approved");
      approval.put("approvedBy", approvedBy);
      approval.put("approvedOn", on.toString());
      return JSON.writeValueAsString(spec);
    } catch (JsonProcessingException | ClassCastException e) {
      throw Refusals.invalid("data-scope", List.of("dataScope: not a JSON object (" + e.getMessage() + ")"));
    }
  }

  /** The same digest the registry's audit rows carry for a project's data scope. */
  public static String scopeSha256(String scope) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(scope.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
