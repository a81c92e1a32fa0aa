package jp.enclave.server.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.function.Supplier;
import jp.enclave.server.access.Caller;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.access.Refusals;

/**
 * Idempotency keys on POSTs, inside the caller's transaction: the key is claimed first (a
 * concurrent twin waits on it, then fails as a duplicate), the change runs, and its response is
 * stored with the key; a repeat of the same request gets that response again, a different request
 * under the same key is refused. A refused request releases its key.
 */
@ApplicationScoped
public class Idempotency {
  public static final String HEADER = "Idempotency-Key";
  private static final Jsonb JSON = JsonbBuilder.create();

  @PersistenceContext(unitName = "enclave")
  EntityManager em;

  public Response once(Caller c, String key, String operation, Object request, int status, Supplier<Object> change) {
    if (key == null || key.isBlank() || key.length() > 64) {
      throw Refusals.idempotencyKeyMissing();
    }
    String fingerprint = sha256(operation + "\n" + (request == null ? "" : JSON.toJson(request)));
    IdempotencyRow.Key id = new IdempotencyRow.Key(c.subject(), key);
    IdempotencyRow seen = em.find(IdempotencyRow.class, id);
    if (seen != null) {
      if (!seen.fingerprint.equals(fingerprint)) {
        throw Refusals.idempotencyKeyReused(key);
      }
      return Response.status(seen.status).entity(seen.body).type("application/json")
          .header("Idempotency-Replayed", "true").build();
    }
    IdempotencyRow row = new IdempotencyRow();
    row.id = id;
    row.fingerprint = fingerprint;
    row.body = "";
    row.createdAt = Instant.now();
    em.persist(row);
    em.flush();
    Object result;
    try {
      result = change.get();
    } catch (Refusal r) {
      em.remove(row);
      throw r;
    }
    row.status = status;
    row.body = JSON.toJson(result);
    return Response.status(status).entity(row.body).type("application/json").build();
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
