package jp.enclave.policies;

import com.cedarpolicy.BasicAuthorizationEngine;
import com.cedarpolicy.model.AuthorizationRequest;
import com.cedarpolicy.model.AuthorizationResponse;
import com.cedarpolicy.model.AuthorizationSuccessResponse;
import com.cedarpolicy.model.Context;
import com.cedarpolicy.model.entity.Entities;
import com.cedarpolicy.model.entity.Entity;
import com.cedarpolicy.model.exception.AuthException;
import com.cedarpolicy.model.policy.PolicySet;
import com.cedarpolicy.model.schema.Schema;
import com.cedarpolicy.value.EntityTypeName;
import com.cedarpolicy.value.EntityUID;
import com.cedarpolicy.value.PrimBool;
import com.cedarpolicy.value.PrimLong;
import com.cedarpolicy.value.PrimString;
import com.cedarpolicy.value.Value;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The enclave server's decisions (registry, sessions, audit) over {@code server.cedarschema} and
 * {@code server.cedar}: a policy set of its own, so the gateway's schema and decisions stay as
 * they are. A denial names the deciding forbid policies ({@code @id} = stable refusal code), or
 * none when nothing permitted (deny by default).
 *
 * <p>Thread-safe: schema and policies are immutable after loading.
 */
public final class ServerPolicies {
  public static final String SCHEMA_RESOURCE = "/jp/enclave/policies/server.cedarschema";
  public static final String POLICIES_RESOURCE = "/jp/enclave/policies/server.cedar";

  private static final EntityTypeName USER = type("EnclaveServer::User");
  private static final EntityTypeName ROLE = type("EnclaveServer::Role");
  private static final EntityTypeName ORG = type("EnclaveServer::Organisation");
  private static final EntityTypeName PROJECT = type("EnclaveServer::Project");
  private static final EntityTypeName SESSION = type("EnclaveServer::Session");
  private static final EntityTypeName ACTION = type("EnclaveServer::Action");
  private static final EntityUID REGISTRY = type("EnclaveServer::Registry").of("registry");
  private static final EntityUID AUDIT = type("EnclaveServer::AuditTrail").of("audit");
  private static final EntityTypeName CENTER = type("EnclaveServer::OnsiteCenter");
  private static final EntityTypeName VISIT = type("EnclaveServer::Visit");
  private static final EntityUID INVENTORY = type("EnclaveServer::Inventory").of("inventory");

  /** The organisation a user belongs to, with its certification; {@link #NONE} for no organisation. */
  public record Org(String id, String certificationType, Instant certifiedFrom, Instant certifiedUntil) {
    public static final Org NONE = new Org("none", "none", Instant.EPOCH, Instant.EPOCH);

    public Org {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(certificationType, "certificationType");
      Objects.requireNonNull(certifiedFrom, "certifiedFrom");
      Objects.requireNonNull(certifiedUntil, "certifiedUntil");
    }
  }

  /**
   * Who acts: roles from the identity provider; organisation, training, projects and the onsite
   * center a staff member belongs to ({@code ""} for none) from the registry.
   */
  public record Actor(String userId, Set<String> roles, Org org, Instant trainedUntil, Set<String> projects,
      String onsiteCenter) {
    public Actor {
      Objects.requireNonNull(userId, "userId");
      roles = Set.copyOf(roles);
      Objects.requireNonNull(org, "org");
      Objects.requireNonNull(trainedUntil, "trainedUntil");
      projects = Set.copyOf(projects);
      onsiteCenter = onsiteCenter == null ? "" : onsiteCenter;
    }

    /** Someone the registry assigns to no onsite center. */
    public Actor(String userId, Set<String> roles, Org org, Instant trainedUntil, Set<String> projects) {
      this(userId, roles, org, trainedUntil, projects, "");
    }
  }

  /** A project's approval period. */
  public record ProjectTerm(String projectId, Instant approvedFrom, Instant approvedUntil) {}

  private final BasicAuthorizationEngine cedar = new BasicAuthorizationEngine();
  private final Schema schema;
  private final PolicySet policies;
  private final Map<String, String[]> annotations;

  private ServerPolicies(Schema schema, PolicySet policies, Map<String, String[]> annotations) {
    this.schema = schema;
    this.policies = policies;
    this.annotations = annotations;
  }

  public static ServerPolicies loadDefault() {
    return load(PolicyEngine.resource(SCHEMA_RESOURCE), PolicyEngine.resource(POLICIES_RESOURCE));
  }

  public static ServerPolicies load(String schemaText, String policiesText) {
    LoadedPolicies p = LoadedPolicies.load(schemaText, policiesText, "the server's Cedar policies");
    return new ServerPolicies(p.schema(), p.policies(), p.annotations());
  }

  /** The {@code @id}s of all loaded policies. */
  public Set<String> policyIds() {
    Set<String> out = new TreeSet<>();
    annotations.values().forEach(a -> out.add(a[0]));
    return out;
  }

  public Decision mayManageRegistry(Actor actor, Instant now) {
    return decide(actor, "manageRegistry", REGISTRY, Set.of(), now, Map.of());
  }

  public Decision mayViewRegistry(Actor actor, Instant now) {
    return decide(actor, "viewRegistry", REGISTRY, Set.of(), now, Map.of());
  }

  public Decision mayReadAudit(Actor actor, Instant now) {
    return decide(actor, "readAudit", AUDIT, Set.of(), now, Map.of());
  }

  public Decision mayOpenSession(Actor actor, ProjectTerm project, String sessionKind, boolean onsiteTerminal,
      Instant now) {
    return decide(actor, "openSession", PROJECT.of(project.projectId()), Set.of(projectEntity(project)), now,
        Map.of("sessionKind", new PrimString(sessionKind), "onsiteTerminal", new PrimBool(onsiteTerminal)));
  }

  public Decision mayEndSession(Actor actor, String sessionId, String ownerId, ProjectTerm project, Instant now) {
    return sessionDecision("endSession", actor, sessionId, ownerId, project, now);
  }

  public Decision mayRevokeSession(Actor actor, String sessionId, String ownerId, ProjectTerm project, Instant now) {
    return sessionDecision("revokeSession", actor, sessionId, ownerId, project, now);
  }

  /** Register or retire a terminal of the onsite center {@code centerId}. */
  public Decision mayManageTerminals(Actor actor, String centerId, Instant now) {
    return decide(actor, "manageTerminals", CENTER.of(centerId), Set.of(new Entity(CENTER.of(centerId))), now, Map.of());
  }

  /** See an onsite center's terminals and visits. */
  public Decision mayViewOnsite(Actor actor, String centerId, Instant now) {
    return decide(actor, "viewOnsite", CENTER.of(centerId), Set.of(new Entity(CENTER.of(centerId))), now, Map.of());
  }

  /** Check in (or out) the visit {@code visitId} of {@code ownerId} on {@code project}, booked at {@code centerId}. */
  public Decision mayCheckIn(Actor actor, String visitId, String ownerId, String centerId, ProjectTerm project,
      Instant now) {
    EntityUID visit = VISIT.of(visitId);
    Entity entity = new Entity(visit, Map.of("project", PROJECT.of(project.projectId()), "owner", USER.of(ownerId),
        "center", CENTER.of(centerId)), Set.of());
    return decide(actor, "checkInVisitor", visit, Set.of(entity, projectEntity(project), new Entity(CENTER.of(centerId))),
        now, Map.of());
  }

  public Decision mayAcknowledgeAlert(Actor actor, Instant now) {
    return decide(actor, "acknowledgeAlert", AUDIT, Set.of(), now, Map.of());
  }

  public Decision mayWitnessTrails(Actor actor, Instant now) {
    return decide(actor, "witnessTrails", AUDIT, Set.of(), now, Map.of());
  }

  /** Running the provisioning of a project's data scope. */
  public Decision mayProvision(Actor actor, ProjectTerm project, Instant now) {
    return decide(actor, "provisionProject", PROJECT.of(project.projectId()), Set.of(projectEntity(project)), now,
        Map.of());
  }

  public Decision mayViewInventory(Actor actor, Instant now) {
    return decide(actor, "viewInventory", INVENTORY, Set.of(), now, Map.of());
  }

  public Decision mayReadDataDictionary(Actor actor, Instant now) {
    return decide(actor, "readDataDictionary", INVENTORY, Set.of(), now, Map.of());
  }

  private Decision sessionDecision(String action, Actor actor, String sessionId, String ownerId, ProjectTerm project,
      Instant now) {
    EntityUID session = SESSION.of(sessionId);
    Entity entity = new Entity(session,
        Map.of("project", PROJECT.of(project.projectId()), "owner", USER.of(ownerId)), Set.of());
    return decide(actor, action, session, Set.of(entity, projectEntity(project)), now, Map.of());
  }

  private Decision decide(Actor actor, String action, EntityUID resource, Set<Entity> extra, Instant now,
      Map<String, Value> moreContext) {
    Set<Entity> entities = new HashSet<>(extra);
    EntityUID user = USER.of(actor.userId());
    EntityUID org = ORG.of(actor.org().id());
    Set<EntityUID> parents = new HashSet<>();
    for (String role : actor.roles()) {
      parents.add(ROLE.of(role));
      entities.add(new Entity(ROLE.of(role)));
    }
    for (String project : actor.projects()) {
      EntityUID p = PROJECT.of(project);
      parents.add(p);
      if (entities.stream().noneMatch(e -> e.getEUID().equals(p))) {
        // Membership edges need the project entity; its own facts are given only for the resource.
        entities.add(projectEntity(new ProjectTerm(project, Instant.EPOCH, Instant.EPOCH)));
      }
    }
    if (!actor.onsiteCenter().isEmpty()) {
      EntityUID center = CENTER.of(actor.onsiteCenter());
      parents.add(center);
      if (entities.stream().noneMatch(e -> e.getEUID().equals(center))) {
        entities.add(new Entity(center));
      }
    }
    entities.add(new Entity(user, Map.of("org", org,
        "trainedUntil", new PrimLong(actor.trainedUntil().getEpochSecond()),
        "onsiteCenter", new PrimString(actor.onsiteCenter())), parents));
    entities.add(new Entity(org, Map.of(
        "certificationType", new PrimString(actor.org().certificationType()),
        "certifiedFrom", new PrimLong(actor.org().certifiedFrom().getEpochSecond()),
        "certifiedUntil", new PrimLong(actor.org().certifiedUntil().getEpochSecond())), Set.of()));
    Map<String, Value> context = new HashMap<>(moreContext);
    context.put("now", new PrimLong(now.getEpochSecond()));
    AuthorizationRequest request = new AuthorizationRequest(
        user, ACTION.of(action), resource, new Context(context), Optional.of(schema), true);
    AuthorizationResponse response;
    try {
      response = cedar.isAuthorized(request, policies, new Entities(entities));
    } catch (AuthException e) {
      throw new PolicyException("policy evaluation failed: " + e.getMessage(), e);
    }
    AuthorizationSuccessResponse success = response.success
        .orElseThrow(() -> new PolicyException("policy evaluation failed: " + response));
    if (!success.getErrors().isEmpty()) {
      throw new PolicyException("policy evaluation raised errors: " + success.getErrors());
    }
    Map<String, String> reasons = new LinkedHashMap<>();
    for (String internalId : new TreeSet<>(success.getReason())) {
      String[] a = annotations.get(internalId);
      reasons.put(a == null ? internalId : a[0], a == null ? internalId : a[1]);
    }
    String reason = reasons.isEmpty() ? "no policy permits this (deny by default)" : String.join("; ", reasons.values());
    return new Decision(success.isAllowed(), List.copyOf(reasons.keySet()), reason, List.of());
  }

  private static Entity projectEntity(ProjectTerm p) {
    return new Entity(PROJECT.of(p.projectId()), Map.of(
        "approvedFrom", new PrimLong(p.approvedFrom().getEpochSecond()),
        "approvedUntil", new PrimLong(p.approvedUntil().getEpochSecond())), Set.of());
  }

  private static EntityTypeName type(String name) {
    return EntityTypeName.parse(name).orElseThrow(() -> new PolicyException("bad entity type " + name));
  }

  // --- export airlock ---

  private static final EntityTypeName EXPORT = type("EnclaveServer::ExportRequest");

  /** May {@code actor} create an export request in {@code project}? */
  public Decision mayCreateExport(Actor actor, ProjectTerm project, Instant now) {
    return decide(actor, "createExport", PROJECT.of(project.projectId()), Set.of(projectEntity(project)), now, Map.of());
  }

  /**
   * An action on an export request: {@code editExport} (edit, submit, retry), {@code downloadRelease},
   * {@code reviewExport} (vote), {@code revokeRelease}.
   */
  public Decision mayActOnExport(String action, Actor actor, String requestId, String authorId, ProjectTerm project,
      Instant now) {
    EntityUID request = EXPORT.of(requestId);
    Entity entity = new Entity(request,
        Map.of("project", PROJECT.of(project.projectId()), "author", USER.of(authorId)), Set.of());
    return decide(actor, action, request, Set.of(entity, projectEntity(project)), now, Map.of());
  }

  // --- PMDA re-identification ---

  private static final EntityTypeName REID = type("EnclaveServer::ReidRequest");

  public Decision mayFileReidentification(Actor actor, ProjectTerm project, Instant now) {
    return decide(actor, "fileReidentification", PROJECT.of(project.projectId()), Set.of(projectEntity(project)), now,
        Map.of());
  }

  /** See the list of released submissions one may file a re-identification request against. */
  public Decision mayViewReleasedSubmissions(Actor actor, Instant now) {
    return decide(actor, "viewReleasedSubmissions", REGISTRY, Set.of(), now, Map.of());
  }

  /** {@code approveReidentification} (approve, reject, retry) or {@code readReidentification} (the result). */
  public Decision mayActOnReidentification(String action, Actor actor, String requestId, String inspectorId,
      ProjectTerm project, Instant now) {
    EntityUID request = REID.of(requestId);
    Entity entity = new Entity(request,
        Map.of("project", PROJECT.of(project.projectId()), "inspector", USER.of(inspectorId)), Set.of());
    return decide(actor, action, request, Set.of(entity, projectEntity(project)), now, Map.of());
  }
}
