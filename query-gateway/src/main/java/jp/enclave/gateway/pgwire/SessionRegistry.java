package jp.enclave.gateway.pgwire;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import jp.enclave.gateway.core.Gateway;
import jp.enclave.gateway.core.GatewayRefusal;
import jp.enclave.gateway.token.TokenVerifier;

/**
 * The mutable {@link PgCredentials}: session tokens registered by a source (a folder of token
 * files today, the enclave server's session feed later), verified with the gateway's
 * {@link TokenVerifier} on the way in, and removed when the source drops them. Registrations and
 * removals are audited; a token without a PostgreSQL verifier, of another project, or expired is
 * refused and audited.
 */
public final class SessionRegistry implements PgCredentials {
  private final TokenVerifier verifier;
  private final Gateway gateway;
  private final Clock clock;
  private final Map<String, Entry> sessions = new ConcurrentHashMap<>();

  public SessionRegistry(TokenVerifier verifier, Gateway gateway, Clock clock) {
    this.verifier = verifier;
    this.gateway = gateway;
    this.clock = clock;
  }

  /**
   * Verifies and registers a token; returns its session id. Throws a {@link GatewayRefusal}
   * (GW-TOKEN-INVALID, GW-TOKEN-WRONG-PROJECT) or {@link IllegalArgumentException} for a token
   * without a usable PostgreSQL verifier; both audited as {@code pgwire.session-refused}.
   */
  public String register(String token, String source) {
    try {
      TokenVerifier.Verified v = verifier.verifyAll(token);
      String scram = v.pgScramVerifier().orElseThrow(() ->
          new IllegalArgumentException("the token carries no PostgreSQL password verifier"));
      Entry entry = new Entry(v.session(), ScramSha256.parse(scram));
      Entry before = sessions.put(v.session().sessionId(), entry);
      if (before == null || !before.session().equals(entry.session())) {
        Map<String, Object> data = sessionData(v.session().sessionId(), source);
        data.put("user", v.session().userId());
        data.put("sessionKind", v.session().kind().label());
        data.put("expiresAt", v.session().expiresAt().toString());
        gateway.auditEvent("pgwire.session-registered", data);
      }
      return v.session().sessionId();
    } catch (GatewayRefusal | IllegalArgumentException e) {
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("project", gateway.projectId());
      data.put("source", source);
      data.put("code", e instanceof GatewayRefusal r ? r.code() : "GW-TOKEN-INVALID");
      data.put("reason", e instanceof GatewayRefusal r ? r.refusal().message() : e.getMessage());
      gateway.auditEvent("pgwire.session-refused", data);
      throw e;
    }
  }

  /** Drops a session: new connections fail, open ones have their next query refused. */
  public void remove(String sessionId, String source) {
    if (sessions.remove(sessionId) != null) {
      gateway.auditEvent("pgwire.session-removed", sessionData(sessionId, source));
    }
  }

  /** The session ids registered now (expired ones included until removed). */
  public java.util.Set<String> sessionIds() {
    return java.util.Set.copyOf(sessions.keySet());
  }

  @Override
  public Optional<Entry> lookup(String sessionId) {
    Entry e = sessionId == null ? null : sessions.get(sessionId);
    // An ended session (the server's feed, a revocation) no longer authenticates, even before its token expires.
    if (e == null || !e.session().expiresAt().isAfter(clock.instant()) || !gateway.isLive(sessionId)) {
      return Optional.empty();
    }
    return Optional.of(e);
  }

  private Map<String, Object> sessionData(String sessionId, String source) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("project", gateway.projectId());
    data.put("session", sessionId);
    data.put("source", source);
    return data;
  }
}
