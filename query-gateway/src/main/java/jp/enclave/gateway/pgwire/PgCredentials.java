package jp.enclave.gateway.pgwire;

import java.util.Optional;
import jp.enclave.gateway.core.GatewaySession;

/**
 * Where the PostgreSQL front end learns which sessions may connect: the PostgreSQL user name is
 * the session id of the researcher's session token, the password the per-session one the enclave
 * server showed them, known here only as its SCRAM verifier (carried in the token). Asked at
 * every connection AND before every query, so a session that ends or is removed stops working on
 * connections already open.
 */
public interface PgCredentials {
  /** A verified session and the verifier of its PostgreSQL password. */
  record Entry(GatewaySession session, ScramSha256.Verifier verifier) {}

  /** The live session named {@code sessionId} (not expired, not removed), or empty. */
  Optional<Entry> lookup(String sessionId);
}
