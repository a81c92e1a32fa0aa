package jp.enclave.gateway.flight;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jp.enclave.gateway.core.Gateway;
import jp.enclave.gateway.core.GatewayRefusal;
import jp.enclave.gateway.core.GatewaySession;
import jp.enclave.gateway.token.TokenVerifier;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;

/**
 * Every Flight call must carry {@code Authorization: Bearer <session token>}. The token is
 * verified (signature, expiry, audience, project) and the caller's identity becomes the SHA-256
 * of the token, so handles are bound to the exact session that created them. Verified sessions
 * are cached until they expire; each new session and each rejection is audited (never the token).
 */
final class BearerTokenAuthenticator implements CallHeaderAuthenticator {
  private final TokenVerifier verifier;
  private final Gateway gateway;
  private final Clock clock;
  private final Map<String, GatewaySession> sessions = new ConcurrentHashMap<>();

  BearerTokenAuthenticator(TokenVerifier verifier, Gateway gateway, Clock clock) {
    this.verifier = verifier;
    this.gateway = gateway;
    this.clock = clock;
  }

  @Override
  public AuthResult authenticate(CallHeaders headers) {
    String header = headers.get("authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw CallStatus.UNAUTHENTICATED.withDescription(
          "GW-TOKEN-INVALID: send the enclave session token as 'Authorization: Bearer <token>'").toRuntimeException();
    }
    String token = header.substring(7).trim();
    String identity = identity(token);
    GatewaySession cached = sessions.get(identity);
    if (cached != null && cached.expiresAt().isAfter(clock.instant())) {
      try {
        // Every call: a session ended at the enclave server is refused here, whatever its token says.
        gateway.requireLive(cached);
      } catch (GatewayRefusal r) {
        sessions.remove(identity);
        throw rejected(r, identity);
      }
      return () -> identity;
    }
    sessions.remove(identity);
    try {
      GatewaySession s = verifier.verify(token);
      gateway.requireLive(s);
      sessions.put(identity, s);
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("user", s.userId());
      data.put("project", s.projectId());
      data.put("session", s.sessionId());
      data.put("sessionKind", s.kind().label());
      data.put("expiresAt", s.expiresAt().toString());
      data.put("tokenSha256", identity);
      gateway.auditEvent("session.authenticated", data);
      return () -> identity;
    } catch (GatewayRefusal r) {
      throw rejected(r, identity);
    }
  }

  private RuntimeException rejected(GatewayRefusal r, String identity) {
    gateway.auditEvent("session.rejected", Map.of("code", r.code(), "reason", r.refusal().message(),
        "tokenSha256", identity));
    return FlightErrors.toFlight(r);
  }

  /** The verified session behind a peer identity, if it is still valid. */
  GatewaySession session(String identity) {
    GatewaySession s = identity == null ? null : sessions.get(identity);
    if (s == null || !s.expiresAt().isAfter(clock.instant())) {
      throw CallStatus.UNAUTHENTICATED.withDescription("GW-TOKEN-INVALID: the session is unknown or has expired")
          .toRuntimeException();
    }
    try {
      gateway.requireLive(s);
    } catch (GatewayRefusal r) {
      throw FlightErrors.toFlight(r);
    }
    return s;
  }

  static String identity(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
