package jp.enclave.server.security;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.api.CurrentCaller;
import jp.enclave.server.api.Idempotency;

/** The auditor's security review over HTTP: the view, alerts, and acknowledging one. */
@Path("security")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Transactional(dontRollbackOn = Refusal.class)
public class SecurityResource {
  @Inject
  SecurityService security;
  @Inject
  CurrentCaller caller;
  @Inject
  Idempotency idempotency;

  public record Note(String note) {}

  /** The review of the last {@code hours} (thresholds evaluated first, so the view is current). */
  @GET
  public SecurityService.View view(@QueryParam("hours") @DefaultValue("24") int hours) {
    SecurityService.View v = security.view(caller.get(), hours);
    if (!security.evaluate().isEmpty()) {
      v = security.view(caller.get(), hours);
    }
    return v;
  }

  @GET
  @Path("alerts")
  public List<Alert> alerts() {
    return security.alerts(caller.get());
  }

  @POST
  @Path("alerts/{id}/acknowledge")
  public Response acknowledge(@HeaderParam(Idempotency.HEADER) String key, @PathParam("id") String id, Note in) {
    return idempotency.once(caller.get(), key, "POST security/alerts/" + id + "/acknowledge", in, 200,
        () -> security.acknowledge(caller.get(), id, in == null ? null : in.note()));
  }
}
