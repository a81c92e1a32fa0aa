package jp.enclave.server.access;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jp.enclave.policies.Decision;
import jp.enclave.policies.ServerPolicies;
import jp.enclave.policies.ServerPolicies.Actor;
import jp.enclave.policies.ServerPolicies.Org;
import jp.enclave.policies.ServerPolicies.ProjectTerm;
import jp.enclave.server.audit.AuditTrail;
import jp.enclave.server.registry.Organisation;
import jp.enclave.server.registry.Person;
import jp.enclave.server.registry.Project;
import jp.enclave.server.registry.RegistryStore;

/**
 * Every access decision of the server, asked of the Cedar policies with the registry's facts
 * (organisation certification, training, project membership). A denial is written to the audit
 * trail and thrown as a {@link Refusal} whose code is the deciding policy's @id.
 */
public final class Access {
  /** Registry dates are Japanese calendar days: valid through the end of the day in Tokyo. */
  public static final ZoneId ZONE = ZoneId.of("Asia/Tokyo");

  private final ServerPolicies policies;
  private final RegistryStore registry;
  private final AuditTrail audit;
  private final Clock clock;

  public Access(ServerPolicies policies, RegistryStore registry, AuditTrail audit, Clock clock) {
    this.policies = policies;
    this.registry = registry;
    this.audit = audit;
    this.clock = clock;
  }

  public void requireManageRegistry(Caller c) {
    require(c, "manage the registry", "registry", policies.mayManageRegistry(actor(c), now()));
  }

  public void requireViewRegistry(Caller c) {
    require(c, "view the registry", "registry", policies.mayViewRegistry(actor(c), now()));
  }

  public void requireReadAudit(Caller c) {
    require(c, "read the audit trail", "audit", policies.mayReadAudit(actor(c), now()));
  }

  public void requireOpenSession(Caller c, Project p, String kind, boolean onsiteTerminal) {
    if (registry.person(c.subject()).isEmpty()) {
      audit.record(c.subject(), "access.denied", "project/" + p.id(), Map.of("action", "open a session",
          "code", "user-not-registered"));
      throw Refusals.notRegistered(c.subject());
    }
    require(c, "open a session", "project/" + p.id(),
        policies.mayOpenSession(actor(c), term(p), kind, onsiteTerminal, now()));
  }

  public void requireEndSession(Caller c, String sessionId, String owner, Project p) {
    require(c, "end the session", "session/" + sessionId,
        policies.mayEndSession(actor(c), sessionId, owner, term(p), now()));
  }

  public void requireRevokeSession(Caller c, String sessionId, String owner, Project p) {
    require(c, "revoke the session", "session/" + sessionId,
        policies.mayRevokeSession(actor(c), sessionId, owner, term(p), now()));
  }

  public void requireProvision(Caller c, Project p) {
    require(c, "provision the project", "project/" + p.id(), policies.mayProvision(actor(c), term(p), now()));
  }

  public void requireViewInventory(Caller c) {
    require(c, "view the data inventory", "inventory", policies.mayViewInventory(actor(c), now()));
  }

  public void requireReadDataDictionary(Caller c) {
    require(c, "read the data dictionary", "inventory", policies.mayReadDataDictionary(actor(c), now()));
  }

  /**
   * Why {@code p} can no longer be provisioned, if it cannot (asked when a queued job starts: the
   * approval may have lapsed while it waited). The forbid holds whoever asks, so a steward is asked about.
   */
  public java.util.Optional<String> provisionLapse(Project p) {
    Decision d = policies.mayProvision(new Actor("system", Set.of("steward"), Org.NONE, Instant.EPOCH, Set.of()),
        term(p), now());
    return d.allowed() ? java.util.Optional.empty() : java.util.Optional.of(d.reason());
  }

  /**
   * Why a session of {@code subject} on {@code p} can no longer run, if it cannot: the lapses
   * (certification, approval, training) are forbid policies that hold whatever the user's roles,
   * so the owner is asked about as a researcher.
   */
  public java.util.Optional<String> lapse(String subject, Project p, String kind) {
    if (registry.person(subject).isEmpty()) {
      return java.util.Optional.of("the user is no longer registered");
    }
    Decision d = policies.mayOpenSession(actor(new Caller(subject, subject, Set.of("researcher"))), term(p), kind,
        kind.equals("onsite"), now());
    return d.allowed() || d.policyIds().isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(d.reason());
  }

  /** The Cedar view of a caller: roles from the token, the rest from the registry. */
  Actor actor(Caller c) {
    Person person = registry.person(c.subject()).orElse(null);
    if (person == null) {
      return new Actor(c.subject(), c.roles(), Org.NONE, Instant.EPOCH, Set.of());
    }
    Org org = registry.organisation(person.organisationId()).map(Access::org).orElse(Org.NONE);
    Instant trained = person.trainedThrough().map(Access::endOf).orElse(Instant.EPOCH);
    Set<String> projects = registry.projects().stream()
        .filter(p -> p.members().containsKey(c.subject())).map(Project::id).collect(Collectors.toSet());
    return new Actor(c.subject(), c.roles(), org, trained, projects, person.onsiteCenter());
  }

  private void require(Caller c, String action, String target, Decision d) {
    if (!d.allowed()) {
      audit.record(c.subject(), "access.denied", target, Map.of("action", action, "policies", d.policyIds(),
          "reason", d.reason()));
      throw Refusals.denied(action, d);
    }
  }

  private Instant now() {
    return clock.instant();
  }

  public static Org org(Organisation o) {
    return new Org(o.id(), o.certificationType().wire(), startOf(o.certifiedFrom()), endOf(o.certifiedUntil()));
  }

  public static ProjectTerm term(Project p) {
    return new ProjectTerm(p.id(), startOf(p.approvedFrom()), endOf(p.approvedUntil()));
  }

  static Instant startOf(LocalDate d) {
    return d.atStartOfDay(ZONE).toInstant();
  }

  /** The first instant after the day, so "valid until" includes the whole day. */
  public static Instant endOf(LocalDate d) {
    return d.plusDays(1).atStartOfDay(ZONE).toInstant();
  }

  /**
   * Asks one of the policies' questions for this caller (features outside the registry and
   * sessions: onsite desk, alerts, witnessing); a denial is audited and thrown like any other.
   */
  public void check(Caller c, String action, String target,
      java.util.function.BiFunction<Actor, Instant, Decision> question) {
    require(c, action, target, question.apply(actor(c), now()));
  }

  // --- export airlock ---

  public void requireCreateExport(Caller c, Project p) {
    require(c, "create an export request", "project/" + p.id(), policies.mayCreateExport(actor(c), term(p), now()));
  }

  /** {@code action}: editExport, downloadRelease, reviewExport or revokeRelease (the Cedar action). */
  public void requireExportAction(Caller c, String action, String what, String requestId, String author, Project p) {
    require(c, what, "export/" + requestId, policies.mayActOnExport(action, actor(c), requestId, author, term(p), now()));
  }

  /** Whether the policies allow it, without auditing (to filter lists; acting asks {@link #requireExportAction}). */
  public boolean allowsExportAction(Caller c, String action, String requestId, String author, Project p) {
    return policies.mayActOnExport(action, actor(c), requestId, author, term(p), now()).allowed();
  }

  // --- PMDA re-identification ---

  public void requireFileReidentification(Caller c, Project p) {
    require(c, "file a re-identification request", "project/" + p.id(),
        policies.mayFileReidentification(actor(c), term(p), now()));
  }

  /** The list of released submissions to file against (the filing form's choices). */
  public void requireViewReleasedSubmissions(Caller c) {
    require(c, "list released submissions for re-identification", "registry",
        policies.mayViewReleasedSubmissions(actor(c), now()));
  }

  /** Whether the caller may file about {@code p}, without auditing (to filter the list; filing asks again). */
  public boolean allowsFileReidentification(Caller c, Project p) {
    return policies.mayFileReidentification(actor(c), term(p), now()).allowed();
  }

  /** {@code action}: approveReidentification or readReidentification (the Cedar action). */
  public void requireReidAction(Caller c, String action, String what, String requestId, String inspector, Project p) {
    require(c, what, "reid/" + requestId,
        policies.mayActOnReidentification(action, actor(c), requestId, inspector, term(p), now()));
  }

  public boolean allowsReidAction(Caller c, String action, String requestId, String inspector, Project p) {
    return policies.mayActOnReidentification(action, actor(c), requestId, inspector, term(p), now()).allowed();
  }
}
