package jp.enclave.server;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import jp.enclave.policies.ServerPolicies;
import jp.enclave.server.access.Access;
import jp.enclave.server.access.Caller;
import jp.enclave.server.access.Refusals;
import jp.enclave.server.audit.AuditChain;
import jp.enclave.server.audit.AuditEntry;
import jp.enclave.server.audit.AuditTrail;
import jp.enclave.server.registry.CertificationType;
import jp.enclave.server.registry.Organisation;
import jp.enclave.server.registry.Person;
import jp.enclave.server.registry.Project;
import jp.enclave.server.registry.RegistryService;
import jp.enclave.server.registry.RegistryStore;
import jp.enclave.server.registry.Training;
import jp.enclave.server.sessions.GatewayTokens;
import jp.enclave.server.sessions.Session;
import jp.enclave.server.sessions.SessionService;
import jp.enclave.server.sessions.SessionStore;

/** The domain wired over in-memory stores (same version rules as the JPA ones), for tests without a server. */
public final class Fixtures {
  public static final ServerPolicies POLICIES = ServerPolicies.loadDefault();
  public static final Instant NOW = Instant.parse("2026-06-01T03:00:00Z");
  public static final LocalDate TODAY = LocalDate.of(2026, 6, 1);
  public static final Caller STEWARD = new Caller("steward-1", "Steward", Set.of("steward"));
  public static final Caller AUDITOR = new Caller("auditor-1", "Auditor", Set.of("auditor"));
  public static final Caller RESEARCHER = new Caller("researcher-1", "Researcher", Set.of("researcher"));

  public final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  public final Registry registryStore = new Registry();
  public final Sessions sessionStore = new Sessions();
  public final Trail audit = new Trail();
  public final Access access = new Access(POLICIES, registryStore, audit, clock);
  public final GatewayTokens tokens = GatewayTokens.ephemeral(java.time.Duration.ofMinutes(15));
  public final RegistryService registry = new RegistryService(registryStore, access, audit, clock);

  /** The airlock's service over {@code store}, on this fixture's registry, policies, trail and clock. */
  public jp.enclave.server.airlock.AirlockService airlock(jp.enclave.server.airlock.AirlockStore store) {
    return new jp.enclave.server.airlock.AirlockService(store, registryStore, access, audit, clock);
  }
  public final SessionService sessions = new SessionService(sessionStore, registryStore, access, audit, tokens,
      jp.enclave.server.sessions.Gateways.fixed("127.0.0.1:47470"), clock);

  /** An eligible world: a Type II organisation, a trained researcher, an approved project they belong to. */
  public Fixtures eligible() {
    registry.registerOrganisation(STEWARD, org("org-a", CertificationType.TYPE_II, TODAY.minusYears(1), TODAY.plusYears(1)));
    registry.registerPerson(STEWARD, RESEARCHER.subject(), "Researcher One", "org-a");
    registry.recordTraining(STEWARD, RESEARCHER.subject(), new Training("privacy-2026", TODAY.minusDays(10), TODAY.plusYears(1)));
    registry.registerProject(STEWARD, project("p-dm", "org-a", TODAY.minusDays(30), TODAY.plusDays(300),
        Map.of(RESEARCHER.subject(), Project.MemberRole.LEAD)));
    return this;
  }

  public static Organisation org(String id, CertificationType type, LocalDate from, LocalDate until) {
    return new Organisation(id, "Org " + id, type, "No. " + id, from, until, 0);
  }

  public static Project project(String id, String org, LocalDate from, LocalDate until, Map<String, Project.MemberRole> members) {
    return new Project(id, "Project " + id, org, "IRB-2026-" + id, "diabetes outcomes",
        "{\"projectId\":\"" + id + "\",\"tables\":{\"patient\":[\"*\"]}}", from, until, members, 0);
  }

  public static final class Trail implements AuditTrail {
    public final List<AuditEntry> entries = new ArrayList<>();

    @Override
    public void record(String actor, String event, String target, Map<String, ?> detail) {
      String prev = entries.isEmpty() ? AuditChain.GENESIS : entries.get(entries.size() - 1).hash();
      entries.add(AuditChain.link(entries.size() + 1, prev, NOW, actor, event, target, detail));
    }

    @Override
    public List<AuditEntry> entries() {
      return List.copyOf(entries);
    }

    public List<String> events() {
      return entries.stream().map(AuditEntry::event).toList();
    }
  }

  /** A versioned map: update refuses a stale version and bumps it, as JPA's @Version does. */
  static final class Versioned<K, V> {
    final Map<K, V> rows = new LinkedHashMap<>();
    final Function<V, K> key;
    final Function<V, Long> version;
    final java.util.function.BiFunction<V, Long, V> withVersion;

    Versioned(Function<V, K> key, Function<V, Long> version, java.util.function.BiFunction<V, Long, V> withVersion) {
      this.key = key;
      this.version = version;
      this.withVersion = withVersion;
    }

    void insert(V v) {
      rows.put(key.apply(v), withVersion.apply(v, 0L));
    }

    void update(String what, V v) {
      V cur = rows.get(key.apply(v));
      if (!version.apply(cur).equals(version.apply(v))) {
        throw Refusals.stale(what, String.valueOf(key.apply(v)), version.apply(v), version.apply(cur));
      }
      rows.put(key.apply(v), withVersion.apply(v, version.apply(v) + 1));
    }
  }

  public static final class Registry implements RegistryStore {
    final Versioned<String, Organisation> orgs = new Versioned<>(Organisation::id, Organisation::version,
        (o, v) -> new Organisation(o.id(), o.name(), o.certificationType(), o.certificationNumber(), o.certifiedFrom(),
            o.certifiedUntil(), v));
    final Versioned<String, Person> persons = new Versioned<>(Person::subject, Person::version,
        (p, v) -> new Person(p.subject(), p.name(), p.organisationId(), p.trainings(), p.onsiteCenter(), v));
    final Versioned<String, Project> projects = new Versioned<>(Project::id, Project::version,
        (p, v) -> new Project(p.id(), p.title(), p.organisationId(), p.decisionNumber(), p.purpose(), p.dataScope(),
            p.approvedFrom(), p.approvedUntil(), p.members(), v));

    public Optional<Organisation> organisation(String id) { return Optional.ofNullable(orgs.rows.get(id)); }
    public List<Organisation> organisations() { return List.copyOf(orgs.rows.values()); }
    public void insert(Organisation o) { orgs.insert(o); }
    public void update(Organisation o) { orgs.update("organisation", o); }
    public Optional<Person> person(String s) { return Optional.ofNullable(persons.rows.get(s)); }
    public List<Person> persons() { return List.copyOf(persons.rows.values()); }
    public void insert(Person p) { persons.insert(p); }
    public void update(Person p) { persons.update("user", p); }
    public Optional<Project> project(String id) { return Optional.ofNullable(projects.rows.get(id)); }
    public List<Project> projects() { return List.copyOf(projects.rows.values()); }
    public void insert(Project p) { projects.insert(p); }
    public void update(Project p) { projects.update("project", p); }
  }

  public static final class Sessions implements SessionStore {
    final Versioned<String, Session> rows = new Versioned<>(Session::id, Session::version,
        (s, v) -> new Session(s.id(), s.projectId(), s.subject(), s.kind(), s.state(), s.bookedAt(), s.openedAt(),
            s.endedAt(), s.endedBy(), s.endReason(), v));

    public Optional<Session> find(String id) { return Optional.ofNullable(rows.rows.get(id)); }
    public List<Session> ofSubject(String s) { return rows.rows.values().stream().filter(x -> x.subject().equals(s)).toList(); }
    public List<Session> all() { return List.copyOf(rows.rows.values()); }
    public List<Session> active() {
      return rows.rows.values().stream().filter(s -> s.state() == jp.enclave.server.sessions.SessionState.BOOKED
          || s.state() == jp.enclave.server.sessions.SessionState.OPEN).toList();
    }
    public void insert(Session s) { rows.insert(s); }
    public void update(Session s) { rows.update("session", s); }
  }
}
