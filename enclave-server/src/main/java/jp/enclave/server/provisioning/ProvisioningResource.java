package jp.enclave.server.provisioning;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.api.CurrentCaller;
import jp.enclave.server.api.Idempotency;

/**
 * Provisioning over HTTP: {@code POST /api/provisioning/projects/{id}} approves the project's
 * current data scope for provisioning (202 with the new job; 200 with the job already queued,
 * running or done for this scope); {@code GET} lists jobs and shows one with its progress.
 */
@Path("provisioning")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Transactional(dontRollbackOn = Refusal.class)
public class ProvisioningResource {
  @Inject
  ProvisioningService provisioning;
  @Inject
  CurrentCaller caller;
  @Inject
  Idempotency idempotency;

  @GET
  public List<ProvisioningJob> jobs() {
    return provisioning.jobs(caller.get());
  }

  @GET
  @Path("{jobId}")
  public ProvisioningJob job(@PathParam("jobId") String id) {
    return provisioning.job(caller.get(), id);
  }

  @POST
  @Path("projects/{projectId}")
  public Response request(@HeaderParam(Idempotency.HEADER) String key, @PathParam("projectId") String projectId) {
    // The status is decided by the outcome, so the idempotency record keeps the one it answered.
    ProvisioningService.Requested[] r = new ProvisioningService.Requested[1];
    Response first = idempotency.once(caller.get(), key, "POST provisioning/projects/" + projectId, null, 202, () -> {
      r[0] = provisioning.request(caller.get(), projectId);
      return r[0];
    });
    if (r[0] != null && !r[0].created()) {
      return Response.status(200).entity(first.getEntity()).type(MediaType.APPLICATION_JSON).build();
    }
    return first;
  }
}
