package jp.enclave.server.sessions;

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
import org.eclipse.microprofile.metrics.MetricRegistry;

/** Sessions over HTTP: a thin shell around {@link SessionService}, one transaction per call. */
@Path("sessions")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Transactional(dontRollbackOn = Refusal.class)
public class SessionResource {
  @Inject
  SessionService sessions;
  @Inject
  CurrentCaller caller;
  @Inject
  Idempotency idempotency;
  @Inject
  MetricRegistry metrics;

  public record Booking(String projectId, String kind) {}

  public record Reason(String reason) {}

  @GET
  public List<Session> mine() {
    return sessions.mine(caller.get());
  }

  @GET
  @Path("all")
  public List<Session> all() {
    return sessions.all(caller.get());
  }

  @POST
  public Response book(@HeaderParam(Idempotency.HEADER) String key, Booking in) {
    return idempotency.once(caller.get(), key, "POST sessions", in, 201, () -> {
      if (in == null || in.projectId() == null) {
        throw Refusals.invalid("booking", List.of("projectId is required"));
      }
      SessionKind kind;
      try {
        kind = SessionKind.parse(in.kind() == null ? "remote" : in.kind());
      } catch (IllegalArgumentException e) {
        throw Refusals.invalid("booking", List.of(e.getMessage()));
      }
      return sessions.book(caller.get(), in.projectId(), kind);
    });
  }

  @POST
  @Path("{id}/open")
  public Response open(@HeaderParam(Idempotency.HEADER) String key, @PathParam("id") String id) {
    return idempotency.once(caller.get(), key, "POST sessions/" + id + "/open", null, 200, () -> {
      SessionService.Opened o = sessions.open(caller.get(), id);
      metrics.counter("enclave_sessions_opened_total").inc();
      return o;
    });
  }

  @POST
  @Path("{id}/renew")
  public Response renew(@HeaderParam(Idempotency.HEADER) String key, @PathParam("id") String id) {
    return idempotency.once(caller.get(), key, "POST sessions/" + id + "/renew", null, 200,
        () -> sessions.renew(caller.get(), id));
  }

  @POST
  @Path("{id}/end")
  public Response end(@HeaderParam(Idempotency.HEADER) String key, @PathParam("id") String id, Reason in) {
    return idempotency.once(caller.get(), key, "POST sessions/" + id + "/end", in, 200,
        () -> sessions.end(caller.get(), id, in == null ? null : in.reason()));
  }

  @POST
  @Path("{id}/revoke")
  public Response revoke(@HeaderParam(Idempotency.HEADER) String key, @PathParam("id") String id, Reason in) {
    return idempotency.once(caller.get(), key, "POST sessions/" + id + "/revoke", in, 200, () -> {
      Session s = sessions.revoke(caller.get(), id, in == null ? null : in.reason());
      metrics.counter("enclave_sessions_revoked_total").inc();
      return s;
    });
  }
}
