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
}
