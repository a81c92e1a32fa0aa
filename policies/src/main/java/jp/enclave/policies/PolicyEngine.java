package jp.enclave.policies;

import com.cedarpolicy.BasicAuthorizationEngine;
import com.cedarpolicy.model.AuthorizationRequest;
import com.cedarpolicy.model.AuthorizationResponse;
import com.cedarpolicy.model.AuthorizationSuccessResponse;
import com.cedarpolicy.model.Context;
import com.cedarpolicy.model.ValidationRequest;
import com.cedarpolicy.model.ValidationResponse;
import com.cedarpolicy.model.entity.Entities;
import com.cedarpolicy.model.entity.Entity;
import com.cedarpolicy.model.exception.AuthException;
import com.cedarpolicy.model.policy.PolicySet;
import com.cedarpolicy.model.schema.Schema;
import com.cedarpolicy.value.CedarList;
import com.cedarpolicy.value.EntityTypeName;
import com.cedarpolicy.value.EntityUID;
import com.cedarpolicy.value.PrimBool;
import com.cedarpolicy.value.PrimLong;
import com.cedarpolicy.value.PrimString;
import com.cedarpolicy.value.Value;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Evaluates the enclave's Cedar policies. Two questions: may this subject query this project in
 * this session kind, and may it read these columns of one table (batched: one evaluation per
 * table; only a denial is broken down per column, to name the offending columns).
 *
 * <p>Thread-safe: the schema and policy set are immutable after loading and cached natively.
 */
public final class PolicyEngine {
  public static final String SCHEMA_RESOURCE = "/jp/enclave/policies/enclave.cedarschema";
  public static final String POLICIES_RESOURCE = "/jp/enclave/policies/enclave.cedar";

  private static final EntityTypeName USER = type("Enclave::User");
  private static final EntityTypeName ROLE = type("Enclave::Role");
  private static final EntityTypeName ORG = type("Enclave::Organisation");
  private static final EntityTypeName PROJECT = type("Enclave::Project");
  private static final EntityTypeName TABLE = type("Enclave::Table");
  private static final EntityTypeName ACTION = type("Enclave::Action");
  private static final EntityUID QUERY = ACTION.of("query");
  private static final EntityUID READ_COLUMNS = ACTION.of("readColumns");

  private final BasicAuthorizationEngine cedar = new BasicAuthorizationEngine();
  private final Schema schema;
  private final PolicySet policies;
  /** Cedar's internal policy id → the policy's {@code @id} and {@code @reason} annotations. */
  private final Map<String, String[]> annotations;

  private PolicyEngine(Schema schema, PolicySet policies, Map<String, String[]> annotations) {
    this.schema = schema;
    this.policies = policies;
    this.annotations = annotations;
  }

  /** The policies shipped in this module. */
  public static PolicyEngine loadDefault() {
    return load(resource(SCHEMA_RESOURCE), resource(POLICIES_RESOURCE));
  }

  public static PolicyEngine load(String schemaText, String policiesText) {
    LoadedPolicies p = LoadedPolicies.load(schemaText, policiesText, "the Cedar policies");
    return new PolicyEngine(p.schema(), p.policies(), p.annotations());
  }

  /** Strict validation of every policy against the schema. */
  public ValidationResponse validate() throws AuthException {
    return cedar.validate(new ValidationRequest(schema, policies));
  }

  /** The {@code @id}s of all loaded policies. */
  public Set<String> policyIds() {
    Set<String> out = new TreeSet<>();
    annotations.values().forEach(a -> out.add(a[0]));
    return out;
  }

  /** May {@code subject} run queries on {@code project} from a session of {@code sessionKind}? */
  public Decision mayQuery(Subject subject, ProjectFacts project, String sessionKind, Instant now) {
    Map<String, Value> context = Map.of(
        "sessionKind", new PrimString(sessionKind),
        "now", new PrimLong(now.getEpochSecond()));
    EntityUID resource = PROJECT.of(project.projectId());
    return decide(subject, project, QUERY, resource, Set.of(), context);
  }

  /**
   * May {@code subject} read these columns (name → sensitivity label) of {@code table}? One
   * evaluation for the whole table; on denial, each column is checked alone so the decision names
   * those that cannot be read.
   */
  public Decision mayRead(Subject subject, ProjectFacts project, String sessionKind, Instant now,
      String table, Map<String, String> columnLabels) {
    Decision whole = readDecision(subject, project, sessionKind, now, table, columnLabels);
    if (whole.allowed() || columnLabels.size() <= 1) {
      return whole.allowed() ? whole : whole.withDeniedColumns(List.copyOf(new TreeSet<>(columnLabels.keySet())));
    }
    List<String> denied = new ArrayList<>();
    for (Map.Entry<String, String> c : new java.util.TreeMap<>(columnLabels).entrySet()) {
      if (!readDecision(subject, project, sessionKind, now, table, Map.of(c.getKey(), c.getValue())).allowed()) {
        denied.add(c.getKey());
      }
    }
    return whole.withDeniedColumns(denied);
  }

  private Decision readDecision(Subject subject, ProjectFacts project, String sessionKind, Instant now,
      String table, Map<String, String> columnLabels) {
    Map<String, Value> context = Map.of(
        "sessionKind", new PrimString(sessionKind),
        "now", new PrimLong(now.getEpochSecond()),
        "labels", strings(new TreeSet<>(columnLabels.values())),
        "columns", strings(new TreeSet<>(columnLabels.keySet())));
    EntityUID resource = TABLE.of(project.projectId() + "/" + table);
    Entity tableEntity = new Entity(resource,
        Map.of("project", PROJECT.of(project.projectId())), Set.of());
    return decide(subject, project, READ_COLUMNS, resource, Set.of(tableEntity), context);
  }

  private Decision decide(Subject subject, ProjectFacts project, EntityUID action, EntityUID resource,
      Set<Entity> extra, Map<String, Value> context) {
    Set<Entity> entities = new HashSet<>(extra);
    EntityUID user = USER.of(subject.userId());
    EntityUID org = ORG.of(subject.organisationId());
    Set<EntityUID> parents = new HashSet<>();
    for (String role : subject.roles()) {
      EntityUID r = ROLE.of(role);
      parents.add(r);
      entities.add(new Entity(r));
    }
    parents.add(PROJECT.of(subject.projectId()));
    entities.add(new Entity(user, Map.of("org", org), parents));
    entities.add(new Entity(org, Map.of(
        "certificationType", new PrimString(subject.certificationType()),
        "certifiedUntil", new PrimLong(subject.certifiedUntil().getEpochSecond())), Set.of()));
    entities.add(projectEntity(project));
    if (!subject.projectId().equals(project.projectId())) {
      // The session's own project must exist as an entity for the membership edge to be valid.
      entities.add(projectEntity(new ProjectFacts(subject.projectId(), Instant.EPOCH, false)));
    }
    AuthorizationRequest request = new AuthorizationRequest(
        user, action, resource, new Context(context), Optional.of(schema), true);
    AuthorizationResponse response;
    try {
      response = cedar.isAuthorized(request, policies, new Entities(entities));
    } catch (AuthException e) {
      throw new PolicyException("policy evaluation failed: " + e.getMessage(), e);
    }
    if (response.success.isEmpty()) {
      throw new PolicyException("policy evaluation failed: " + response);
    }
    AuthorizationSuccessResponse success = response.success.get();
    if (!success.getErrors().isEmpty()) {
      // A policy that errors is skipped by Cedar; surfacing it keeps a broken forbid from passing silently.
      throw new PolicyException("policy evaluation raised errors: " + success.getErrors());
    }
    Map<String, String> reasons = new LinkedHashMap<>();
    for (String internalId : new TreeSet<>(success.getReason())) {
      String[] a = annotations.get(internalId);
      reasons.put(a == null ? internalId : a[0], a == null ? internalId : a[1]);
    }
    boolean allowed = success.isAllowed();
    String reason = reasons.isEmpty()
        ? "no policy permits this (deny by default)"
        : String.join("; ", reasons.values());
    return new Decision(allowed, List.copyOf(reasons.keySet()), reason, List.of());
  }

  private static Entity projectEntity(ProjectFacts p) {
    return new Entity(PROJECT.of(p.projectId()), Map.of(
        "approvedUntil", new PrimLong(p.approvedUntil().getEpochSecond()),
        "freeTextOnsite", new PrimBool(p.freeTextOnsite())), Set.of());
  }

  private static CedarList strings(Set<String> values) {
    List<Value> list = new ArrayList<>();
    values.forEach(v -> list.add(new PrimString(v)));
    return new CedarList(list);
  }

  private static EntityTypeName type(String name) {
    return EntityTypeName.parse(name).orElseThrow(() -> new PolicyException("bad entity type " + name));
  }

  static String resource(String path) {
    try (InputStream in = PolicyEngine.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new PolicyException("missing policy resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PolicyException("cannot read policy resource " + path + ": " + e.getMessage(), e);
    }
  }
}
