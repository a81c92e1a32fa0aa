package jp.enclave.server.audit;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.api.CurrentCaller;

/** The auditor's API: search the server's trail and verify its chain. */
@Path("audit")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Transactional(dontRollbackOn = Refusal.class)
public class AuditResource {
  @Inject
  AuditReader reader;
  @Inject
  CurrentCaller caller;

  @GET
  public List<AuditEntry> search(@QueryParam("actor") String actor, @QueryParam("event") String event,
      @QueryParam("target") String target, @QueryParam("limit") @DefaultValue("100") int limit) {
    return reader.search(caller.get(), actor, event, target, limit);
  }

  @GET
  @Path("verify")
  public AuditChain.Verification verify() {
    return reader.verify(caller.get());
  }

  @Inject
  ZoneAudit zones;
  @Inject
  jp.enclave.server.api.Idempotency idempotency;

  /** The zones an auditor can search: "server" and every zone trail configured or witnessed. */
  @GET
  @Path("zones")
  public List<String> zones() {
    return zones.zoneNames(caller.get());
  }

  /** Every zone's trail searched together; {@code from}/{@code to} are ISO instants or dates (Tokyo days). */
  @GET
  @Path("trails")
  public List<TrailEntry> trails(@QueryParam("zone") String zone, @QueryParam("user") String user,
      @QueryParam("project") String project, @QueryParam("event") String event, @QueryParam("from") String from,
      @QueryParam("to") String to, @QueryParam("limit") @DefaultValue("200") int limit) {
    return zones.search(caller.get(), new ZoneAudit.Filter(zone, user, project, event, Times.start(from, "from"),
        Times.end(to, "to"), limit));
  }

  /** The server's chain and every zone's, each zone also against its witnessed heads. */
  @GET
  @Path("trails/verify")
  public ZoneAudit.Verification verifyTrails() {
    return zones.verify(caller.get());
  }

  /** Witness every zone trail's head now (an auditor may ask; the server does it on its schedule). */
  @jakarta.ws.rs.POST
  @Path("trails/witness")
  public jakarta.ws.rs.core.Response witness(@jakarta.ws.rs.HeaderParam(jp.enclave.server.api.Idempotency.HEADER) String key) {
    return idempotency.once(caller.get(), key, "POST audit/trails/witness", null, 200, () -> zones.witness(caller.get()));
  }
}
