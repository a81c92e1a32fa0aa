package jp.enclave.server.api;

import jakarta.json.bind.JsonbException;
import jakarta.persistence.OptimisticLockException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import jp.enclave.server.access.Refusal;

/**
 * The one place where refusals and failures become RFC 9457 problem details: a stable code
 * (also the last segment of {@code type}), the status, a sentence, never a stack trace.
 */
@Provider
public class Problems implements ExceptionMapper<Throwable> {
  public static final String MEDIA_TYPE = "application/problem+json";
  private static final Logger LOG = Logger.getLogger(Problems.class.getName());

  @Context
  UriInfo uri;
  @jakarta.inject.Inject
  CurrentCaller caller;
  @jakarta.inject.Inject
  RefusalAudit refusals;

  @Override
  public Response toResponse(Throwable t) {
    Refusal refusal = find(t, Refusal.class);
    if (refusal != null) {
      Map<String, Object> p = problem(status(refusal.kind()), refusal.code(), title(refusal.kind()), refusal.getMessage());
      if (!refusal.details().isEmpty()) {
        p.put(refusal.kind() == Refusal.Kind.FORBIDDEN ? "policies" : "errors", refusal.details());
      }
      return respond(p);
    }
    if (find(t, OptimisticLockException.class) != null || find(t, org.hibernate.StaleStateException.class) != null) {
      return respond(problem(409, "stale-edit", "Conflict", "the record was changed by someone else meanwhile; reload and edit again"));
    }
    SQLException sql = find(t, SQLException.class);
    if (sql != null && "23505".equals(sql.getSQLState())) {
      return respond(problem(409, "concurrent-duplicate", "Conflict",
          "the same change is being made at the same time (a duplicate key); retry with the same Idempotency-Key"));
    }
    if (find(t, JsonbException.class) != null) {
      auditMalformed();
      return respond(problem(400, "malformed-request", "Bad Request", "the request body is not the JSON this call expects"));
    }
    WebApplicationException web = find(t, WebApplicationException.class);
    if (web != null && web.getResponse().getStatus() < 500) {
      int s = web.getResponse().getStatus();
      return respond(problem(s, "http-" + s, web.getResponse().getStatusInfo().getReasonPhrase(),
          s == 404 ? "no such resource" : web.getMessage()));
    }
    String incident = UUID.randomUUID().toString();
    LOG.log(Level.SEVERE, "incident " + incident, t);
    return respond(problem(500, "internal-error", "Internal Server Error",
        "the server failed; nothing was changed. Incident " + incident + " is in the server log"));
  }

  /** A body JSON-B could not read (wrong types, not JSON): refused before the resource ran, audited with the caller. */
  private void auditMalformed() {
    try {
      caller.known().ifPresent(c -> refusals.record(c.subject(), "request.refused", "api", Map.of(
          "path", uri == null ? "" : uri.getPath(), "code", "malformed-request")));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not audit a malformed request", e);
    }
  }

  private Map<String, Object> problem(int status, String code, String title, String detail) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("type", "urn:enclave:problem:" + code);
    p.put("title", title);
    p.put("status", status);
    p.put("detail", detail);
    p.put("code", code);
    if (uri != null) {
      p.put("instance", "/api/" + uri.getPath().replaceAll("^/+", ""));
    }
    return p;
  }

  private static Response respond(Map<String, Object> p) {
    return Response.status((int) p.get("status")).type(MEDIA_TYPE).entity(p).build();
  }

  static int status(Refusal.Kind k) {
    return switch (k) {
      case INVALID -> 400;
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case TOO_LARGE -> 413;
    };
  }

  private static String title(Refusal.Kind k) {
    return switch (k) {
      case INVALID -> "Invalid request";
      case UNAUTHENTICATED -> "Not signed in";
      case FORBIDDEN -> "Refused";
      case NOT_FOUND -> "Not found";
      case CONFLICT -> "Conflict";
      case TOO_LARGE -> "Content Too Large";
    };
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }
}
