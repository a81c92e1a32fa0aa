package jp.enclave.server.reidentification;

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
import jp.enclave.server.access.Refusals;
import jp.enclave.server.api.CurrentCaller;
import jp.enclave.server.api.Idempotency;

/** PMDA re-identification over HTTP: a thin shell around {@link ReidService}, one transaction per call. */
@Path("reidentifications")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Transactional(dontRollbackOn = Refusal.class)
public class ReidResource {
  @Inject
  ReidService reid;
  @Inject
  CurrentCaller caller;
  @Inject
  Idempotency idempotency;

  public record Filing(String exportId, List<String> pseudonyms, String legalBasis) {}

  public record Reason(String reason) {}

  /** What officers and the inspector see of a request: never the pseudonyms' sources. */
  public record ReidView(String id, String projectId, String exportId, String releaseId, String inspector,
      String legalBasis, int pseudonyms, String state, List<String> approvers, String error, long version) {
    static ReidView of(ReidRequest r) {
      return new ReidView(r.id(), r.projectId(), r.exportId(), r.releaseId(), r.inspector(), r.legalBasis(),
          r.pseudonyms().size(), r.state().wire(), r.approvers(), r.error(), r.version());
    }
  }

  @GET
  public List<ReidView> list() {
    return reid.list(caller.get()).stream().map(ReidView::of).toList();
  }

  /** The released submissions the caller may file against (the portal's filing form lists the same). */
  @GET
  @Path("submissions")
  public List<ReidService.Submission> submissions() {
    return reid.submissions(caller.get());
  }

  @GET
  @Path("{id}")
  public ReidView get(@PathParam("id") String id) {
    return ReidView.of(reid.get(caller.get(), id));
  }

  @POST
  public Response file(@HeaderParam(Idempotency.HEADER) String key, Filing in) {
    return idempotency.once(caller.get(), key, "POST reidentifications", in, 201, () -> {
      if (in == null) {
        throw Refusals.invalid("reidentification", List.of("exportId, pseudonyms and legalBasis are required"));
      }
      return ReidView.of(reid.file(caller.get(), in.exportId(), in.pseudonyms(), in.legalBasis()));
    });
  }

  @POST
  @Path("{id}/approve")
  public Response approve(@HeaderParam(Idempotency.HEADER) String key, @PathParam("id") String id) {
    return idempotency.once(caller.get(), key, "POST reidentifications/" + id + "/approve", null, 200,
        () -> ReidView.of(reid.approve(caller.get(), id)));
  }

  @POST
  @Path("{id}/reject")
  public Response reject(@HeaderParam(Idempotency.HEADER) String key, @PathParam("id") String id, Reason in) {
    return idempotency.once(caller.get(), key, "POST reidentifications/" + id + "/reject", in, 200,
        () -> ReidView.of(reid.reject(caller.get(), id, in == null ? null : in.reason())));
  }

  @POST
  @Path("{id}/retry")
  public Response retry(@HeaderParam(Idempotency.HEADER) String key, @PathParam("id") String id) {
    return idempotency.once(caller.get(), key, "POST reidentifications/" + id + "/retry", null, 200,
        () -> ReidView.of(reid.retry(caller.get(), id)));
  }

  /** The source references, to the filing inspector alone (audited). */
  @GET
  @Path("{id}/result")
  public Response result(@PathParam("id") String id) {
    return Response.ok(reid.result(caller.get(), id), MediaType.APPLICATION_JSON_TYPE)
        .header("Cache-Control", "no-store").build();
  }
}
