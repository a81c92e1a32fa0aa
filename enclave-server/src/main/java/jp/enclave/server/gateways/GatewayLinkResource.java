package jp.enclave.server.gateways;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jp.enclave.server.access.Access;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.access.Refusals;
import jp.enclave.server.audit.JpaAuditTrail;
import jp.enclave.server.registry.JpaRegistryStore;
import jp.enclave.server.registry.Organisation;
import jp.enclave.server.registry.Project;
import jp.enclave.server.sessions.GatewayTokens;

/**
 * What a project's gateway asks the server, with the credential the server gave it (bearer; only
 * its hash is kept): the project's facts, and its sessions (open ones with their current token,
 * and those ended within a token's lifetime, with the reason). A missing or wrong credential is
 * refused and audited; a credential opens only its own project.
 */
@Path("gateway-link/projects/{project}")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Transactional(dontRollbackOn = Refusal.class)
public class GatewayLinkResource {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject
  GatewayManager gateways;
  @Inject
  JpaRegistryStore registry;
  @Inject
  JpaAuditTrail audit;
  @Inject
  GatewayTokens tokens;
  @Inject
  Clock clock;
  @PersistenceContext(unitName = "enclave")
  EntityManager em;

  @GET
  @Path("facts")
  public Map<String, Object> facts(@PathParam("project") String project,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    authenticate(project, authorization, "facts");
    Project p = registry.project(project).orElseThrow(() -> Refusals.notFound("project", project));
    Instant approvalEnd = Access.endOf(p.approvedUntil());
    // A project whose organisation's certification lapses cannot be used either: the gateway
    // sees the earlier of the two ends as the end of the approval.
    Instant usableUntil = registry.organisation(p.organisationId()).map(Organisation::certifiedUntil).map(Access::endOf)
        .filter(c -> c.isBefore(approvalEnd)).orElse(approvalEnd);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("project", p.id());
    out.put("approvedUntil", usableUntil.toString());
    out.put("approvalEnds", approvalEnd.toString());
    out.put("freeTextOnsite", freeTextOnsite(p.dataScope()));
    return out;
  }

  @GET
  @Path("sessions")
  public Map<String, Object> sessions(@PathParam("project") String project,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    authenticate(project, authorization, "sessions");
    Instant now = clock.instant();
    // Ended sessions are listed as long as any of their tokens could still be valid.
    Instant since = now.minus(tokens.ttl()).minusSeconds(60);
    @SuppressWarnings("unchecked")
    List<Object[]> rows = em.createNativeQuery("select s.id, s.state, s.end_reason, t.token from research_session s "
            + "left join gateway_session_token t on t.session_id = s.id where s.project_id = ?1 "
            + "and (s.state = 'OPEN' or (s.state in ('ENDED', 'REVOKED') and s.ended_at > ?2))")
        .setParameter(1, project).setParameter(2, java.sql.Timestamp.from(since)).getResultList();
    List<Map<String, Object>> open = new ArrayList<>();
    List<Map<String, Object>> ended = new ArrayList<>();
    for (Object[] r : rows) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("session", r[0]);
      if ("OPEN".equals(r[1])) {
        s.put("token", r[3]);
        open.add(s);
      } else {
        s.put("reason", (r[1].equals("REVOKED") ? "revoked: " : "ended: ") + (r[2] == null ? "no reason given" : r[2]));
        ended.add(s);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("at", now.toString());
    out.put("open", open);
    out.put("ended", ended);
    return out;
  }

  private void authenticate(String project, String authorization, String endpoint) {
    String why = null;
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      why = "no gateway credential (Authorization: Bearer)";
    } else if (!gateways.verifyCredential(project, authorization.substring(7).trim())) {
      why = "the credential is not the one given to this project's gateway";
    }
    if (why != null) {
      audit.record("gateway:" + project, "gateway.credential-refused", "gateway/" + project,
          Map.of("endpoint", endpoint, "reason", why));
      throw Refusals.gatewayCredential(project, why);
    }
  }

  static boolean freeTextOnsite(String dataScope) {
    try {
      return JSON.readTree(dataScope).path("freeTextOnsite").asBoolean(false);
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
