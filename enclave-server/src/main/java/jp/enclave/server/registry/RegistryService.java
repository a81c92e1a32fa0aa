package jp.enclave.server.registry;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import jp.enclave.server.access.Access;
import jp.enclave.server.access.Caller;
import jp.enclave.server.access.Refusals;
import jp.enclave.server.audit.AuditTrail;

/**
 * The steward's registry: organisations with their certification, users with their organisation
 * and training, projects with their approval and members. Checks access first, then every input
 * problem at once, then changes and audits; a refusal leaves the registry unchanged.
 */
public final class RegistryService {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,40}");

  private final RegistryStore store;
  private final Access access;
  private final AuditTrail audit;
  private final Clock clock;

  public RegistryService(RegistryStore store, Access access, AuditTrail audit, Clock clock) {
    this.store = store;
    this.access = access;
    this.audit = audit;
    this.clock = clock;
  }

  public Organisation registerOrganisation(Caller c, Organisation o) {
    access.requireManageRegistry(c);
    check("organisation", organisationProblems(o));
    if (store.organisation(o.id()).isPresent()) {
      throw Refusals.exists("organisation", o.id());
    }
    store.insert(o);
    audit.record(c.subject(), "organisation.registered", "organisation/" + o.id(), organisationDetail(o));
    return store.organisation(o.id()).orElseThrow();
  }

  /** Changes name and certification; {@code o.version()} is the version the edit was based on. */
  public Organisation updateOrganisation(Caller c, Organisation o) {
    access.requireManageRegistry(c);
    check("organisation", organisationProblems(o));
    Organisation current = store.organisation(o.id()).orElseThrow(() -> Refusals.notFound("organisation", o.id()));
    if (current.version() != o.version()) {
      throw Refusals.stale("organisation", o.id(), o.version(), current.version());
    }
    store.update(o);
    audit.record(c.subject(), "organisation.updated", "organisation/" + o.id(), organisationDetail(o));
    return store.organisation(o.id()).orElseThrow();
  }

  public Person registerPerson(Caller c, String subject, String name, String organisationId) {
    access.requireManageRegistry(c);
    List<String> problems = new ArrayList<>();
    if (blank(subject)) {
      problems.add("subject: the identity provider's user id is required");
    }
    if (blank(name)) {
      problems.add("name is required");
    }
    if (blank(organisationId)) {
      problems.add("organisationId: every user belongs to a registered organisation");
    } else if (store.organisation(organisationId).isEmpty()) {
      problems.add("organisationId: no organisation '" + organisationId + "'");
    }
    check("user", problems);
    if (store.person(subject).isPresent()) {
      throw Refusals.exists("user", subject);
    }
    Person p = new Person(subject.trim(), name.trim(), organisationId, List.of(), null, 0);
    store.insert(p);
    audit.record(c.subject(), "user.registered", "user/" + p.subject(), Map.of("organisation", organisationId));
    return store.person(p.subject()).orElseThrow();
  }

  public Person recordTraining(Caller c, String subject, Training t) {
    access.requireManageRegistry(c);
    Person p = store.person(subject).orElseThrow(() -> Refusals.notFound("user", subject));
    List<String> problems = new ArrayList<>();
    if (t == null || blank(t.course())) {
      problems.add("course is required");
    }
    if (t == null || t.completedOn() == null || t.expiresOn() == null) {
      problems.add("completedOn and expiresOn are required");
    } else if (t.expiresOn().isBefore(t.completedOn())) {
      problems.add("expiresOn " + t.expiresOn() + " is before completedOn " + t.completedOn());
    }
    check("training", problems);
    List<Training> trainings = new ArrayList<>(p.trainings());
    trainings.add(t);
    store.update(new Person(p.subject(), p.name(), p.organisationId(), trainings, p.onsiteCenter(), p.version()));
    audit.record(c.subject(), "user.training-recorded", "user/" + subject, Map.of("course", t.course(),
        "completedOn", t.completedOn().toString(), "expiresOn", t.expiresOn().toString()));
    return store.person(subject).orElseThrow();
  }

  /** An onsite center's id as terminals carry it (the onsite desk's rule for ids). */
  private static final java.util.regex.Pattern CENTER = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{1,40}");

  /**
   * Assigns an onsite-staff member to the onsite center where they may register and retire
   * terminals and check visitors in and out ({@code centerId} null or blank: to none, so they may
   * do neither). {@code version} is the user's version the edit was based on (null: the current one).
   */
  public Person assignOnsiteCenter(Caller c, String subject, String centerId, Long version) {
    access.requireManageRegistry(c);
    Person p = store.person(subject == null ? "" : subject).orElseThrow(() -> Refusals.notFound("user", subject));
    String center = blank(centerId) ? null : centerId.strip();
    if (center != null && !CENTER.matcher(center).matches()) {
      check("onsite-center", List.of("centerId: an onsite center's id as its terminals name it (2-41 characters of "
          + "a-z, 0-9 and '-'); empty to assign none"));
    }
    if (version != null && version != p.version()) {
      throw Refusals.stale("user", subject, version, p.version());
    }
    store.update(new Person(p.subject(), p.name(), p.organisationId(), p.trainings(), center, p.version()));
    Map<String, Object> detail = new java.util.LinkedHashMap<>();
    detail.put("from", p.onsiteCenter() == null ? "" : p.onsiteCenter());
    detail.put("to", center == null ? "" : center);
    audit.record(c.subject(), "user.onsite-center-assigned", "user/" + p.subject(), detail);
    return store.person(p.subject()).orElseThrow();
  }

  public Project registerProject(Caller c, Project p) {
    access.requireManageRegistry(c);
    check("project", projectProblemsWithOrganisation(p));
    if (store.project(p.id()).isPresent()) {
      throw Refusals.exists("project", p.id());
    }
    store.insert(p);
    audit.record(c.subject(), "project.registered", "project/" + p.id(), projectDetail(p));
    return store.project(p.id()).orElseThrow();
  }

  /** Replaces approval, scope and members; {@code p.version()} is the version the edit was based on. */
  public Project updateProject(Caller c, Project p) {
    access.requireManageRegistry(c);
    check("project", projectProblemsWithOrganisation(p));
    Project current = store.project(p.id()).orElseThrow(() -> Refusals.notFound("project", p.id()));
    if (current.version() != p.version()) {
      throw Refusals.stale("project", p.id(), p.version(), current.version());
    }
    store.update(p);
    audit.record(c.subject(), "project.updated", "project/" + p.id(), projectDetail(p));
    return store.project(p.id()).orElseThrow();
  }

  public Project addMember(Caller c, String projectId, String subject, Project.MemberRole role, long basedOnVersion) {
    access.requireManageRegistry(c);
    Project p = store.project(projectId).orElseThrow(() -> Refusals.notFound("project", projectId));
    if (store.person(subject).isEmpty()) {
      throw Refusals.notFound("user", subject);
    }
    Map<String, Project.MemberRole> members = new LinkedHashMap<>(p.members());
    members.put(subject, role);
    Project changed = new Project(p.id(), p.title(), p.organisationId(), p.decisionNumber(), p.purpose(),
        p.dataScope(), p.approvedFrom(), p.approvedUntil(), members, basedOnVersion);
    return updateProject(c, changed);
  }

  public List<Organisation> organisations(Caller c) {
    access.requireViewRegistry(c);
    return store.organisations();
  }

  public List<Person> persons(Caller c) {
    access.requireViewRegistry(c);
    return store.persons();
  }

  public List<Project> projects(Caller c) {
    access.requireViewRegistry(c);
    return store.projects();
  }

  /** The projects a user is a member of (their own view; no registry access needed). */
  public List<Project> projectsOf(Caller c) {
    return store.projects().stream().filter(p -> p.members().containsKey(c.subject())).toList();
  }

  /** What the public page shows: projects approved today, with their organisation, purpose and period. */
  public record PublicProject(String id, String title, String organisation, String purpose, LocalDate approvedFrom,
      LocalDate approvedUntil) {}

  public List<PublicProject> approvedProjects() {
    LocalDate today = LocalDate.now(clock.withZone(Access.ZONE));
    return store.projects().stream().filter(p -> p.approvedOn(today))
        .sorted(Comparator.comparing(Project::approvedFrom).thenComparing(Project::id))
        .map(p -> new PublicProject(p.id(), p.title(),
            store.organisation(p.organisationId()).map(Organisation::name).orElse(p.organisationId()),
            p.purpose(), p.approvedFrom(), p.approvedUntil()))
        .toList();
  }

  static List<String> organisationProblems(Organisation o) {
    List<String> out = new ArrayList<>();
    if (o.id() == null || !ID.matcher(o.id()).matches()) {
      out.add("id '" + o.id() + "' must be 2-41 of [a-z0-9-], starting with a letter or digit");
    }
    if (blank(o.name())) {
      out.add("name is required");
    }
    if (o.certificationType() == null) {
      out.add("certificationType must be type1 or type2");
    }
    if (blank(o.certificationNumber())) {
      out.add("certificationNumber is required");
    }
    period(out, "certification", o.certifiedFrom(), o.certifiedUntil());
    return out;
  }

  static List<String> projectProblems(Project p) {
    List<String> out = new ArrayList<>();
    if (p.id() == null || !ID.matcher(p.id()).matches()) {
      out.add("id '" + p.id() + "' must be 2-41 of [a-z0-9-], starting with a letter or digit");
    }
    if (blank(p.title())) {
      out.add("title is required");
    }
    if (blank(p.decisionNumber())) {
      out.add("decisionNumber: the committee's decision number is required");
    }
    if (blank(p.purpose())) {
      out.add("purpose is required");
    }
    period(out, "approval", p.approvedFrom(), p.approvedUntil());
    if (p.id() != null) {
      out.addAll(DataScope.problems(p.id(), p.dataScope()));
    }
    return out;
  }

  private List<String> projectProblemsWithOrganisation(Project p) {
    List<String> out = projectProblems(p);
    if (blank(p.organisationId()) || store.organisation(p.organisationId()).isEmpty()) {
      out.add("organisationId: no organisation '" + p.organisationId() + "'");
    }
    return out;
  }

  private static void check(String what, List<String> problems) {
    if (!problems.isEmpty()) {
      throw Refusals.invalid(what, problems);
    }
  }

  private static void period(List<String> out, String what, LocalDate from, LocalDate until) {
    if (from == null || until == null) {
      out.add(what + " period: from and until are required");
    } else if (until.isBefore(from)) {
      out.add(what + " period: until " + until + " is before from " + from);
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static Map<String, Object> organisationDetail(Organisation o) {
    return Map.of("name", o.name(), "certificationType", o.certificationType().wire(),
        "certificationNumber", o.certificationNumber(), "certifiedFrom", o.certifiedFrom().toString(),
        "certifiedUntil", o.certifiedUntil().toString());
  }

  private static Map<String, Object> projectDetail(Project p) {
    Map<String, String> members = new java.util.TreeMap<>();
    p.members().forEach((k, v) -> members.put(k, v.name()));
    return Map.of("title", p.title(), "organisation", p.organisationId(), "decisionNumber", p.decisionNumber(),
        "approvedFrom", p.approvedFrom().toString(), "approvedUntil", p.approvedUntil().toString(),
        "members", members, "dataScopeSha256", sha256(p.dataScope()));
  }

  private static String sha256(String s) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
