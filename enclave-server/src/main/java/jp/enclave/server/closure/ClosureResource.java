package jp.enclave.server.closure;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.api.CurrentCaller;
import jp.enclave.server.api.Idempotency;

/**
 * Project end over HTTP: {@code POST /api/closures/projects/{id}} ({@code {"cause":"closed"|
 * "approval-withdrawn","reason":"…"}}, stewards; 202: the sessions are stopped, archive and
 * deletion follow), {@code POST /api/closures/{id}/retry} (a failed step), {@code GET
 * /api/closures[/{id}]} with the archive and the deletion certificate (stewards, auditors).
 */
@Path("closures")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Transactional(dontRollbackOn = Refusal.class)
public class ClosureResource {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject
  ClosureService closures;
  @Inject
  CurrentCaller caller;
  @Inject
  Idempotency idempotency;

  /** The request body. */
  public static class CloseRequest {
    public String cause;
    public String reason;
  }

  @GET
  public List<Map<String, Object>> all() {
    return closures.all(caller.get()).stream().map(ClosureResource::view).toList();
  }

  @GET
  @Path("{projectId}")
  public Map<String, Object> one(@PathParam("projectId") String projectId) {
    return view(closures.get(caller.get(), projectId));
  }

  @POST
  @Path("projects/{projectId}")
  public Response close(@HeaderParam(Idempotency.HEADER) String key, @PathParam("projectId") String projectId,
      CloseRequest body) {
    CloseRequest b = body == null ? new CloseRequest() : body;
    return idempotency.once(caller.get(), key, "POST closures/projects/" + projectId, Map.of("cause",
        String.valueOf(b.cause), "reason", String.valueOf(b.reason)), 202,
        () -> view(closures.close(caller.get(), projectId, b.cause, b.reason)));
  }

  @POST
  @Path("{projectId}/retry")
  public Response retry(@HeaderParam(Idempotency.HEADER) String key, @PathParam("projectId") String projectId) {
    return idempotency.once(caller.get(), key, "POST closures/" + projectId + "/retry", null, 200,
        () -> view(closures.retry(caller.get(), projectId)));
  }

  /** The API's shape (also the portal's): the certificate as JSON, not a string. */
  public static Map<String, Object> view(Closure c) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("projectId", c.projectId());
    v.put("state", c.state().name().toLowerCase(Locale.ROOT));
    v.put("cause", c.cause());
    v.put("reason", c.reason());
    v.put("requestedBy", c.requestedBy());
    v.put("requestedAt", c.requestedAt().toString());
    v.put("sessionsEnded", c.sessionsEnded());
    v.put("attempts", c.attempts());
    v.put("error", c.error());
    if (c.archiveSha256() != null) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("path", c.archivePath());
      a.put("sha256", c.archiveSha256());
      a.put("files", c.archiveFiles().stream().map(f -> Map.of("name", f.name(), "sha256", f.sha256(),
          "bytes", f.bytes())).toList());
      v.put("archive", a);
    }
    if (c.certificate() != null) {
      try {
        v.put("certificate", JSON.readValue(c.certificate(), new TypeReference<Map<String, Object>>() {}));
      } catch (java.io.IOException e) {
        throw new IllegalStateException("certificate of " + c.projectId() + " is not JSON", e);
      }
    }
    v.put("endedAt", c.endedAt() == null ? null : c.endedAt().toString());
    return v;
  }
}
