package jp.enclave.gateway.token;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.jwt.JwkSetConverter;
import com.google.crypto.tink.jwt.JwtInvalidException;
import com.google.crypto.tink.jwt.JwtPublicKeyVerify;
import com.google.crypto.tink.jwt.JwtValidator;
import com.google.crypto.tink.jwt.VerifiedJwt;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import jp.enclave.gateway.core.GatewayRefusal;
import jp.enclave.gateway.core.GatewaySession;
import jp.enclave.gateway.core.Refusals;
import jp.enclave.policies.Subject;

/**
 * Verifies session tokens for one project: signature (ES256, the enclave's public key only),
 * issuer, audience, expiry (small clock skew), every required claim, and that the token's project
 * is the one this gateway serves. A token for project A never opens project B.
 *
 * <p>The lifetime the gateway honours is bounded whatever the signer wrote: the token must say
 * when it was issued ({@code iat}, not in the future beyond the skew) and {@code exp - iat} must
 * not exceed {@link #DEFAULT_MAX_LIFETIME} (or the configured maximum). A leaked or mis-issued
 * token thus stops working within one working day, not in ten years.
 */
public final class TokenVerifier {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The longest session a token may describe unless configured otherwise: one long working day. */
  public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofHours(12);
  static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

  /** The server's keys as last fetched; replaced whole when the server publishes a new set. */
  private volatile Keys keys;
  private volatile java.util.function.BooleanSupplier unknownKey = () -> false;
  private final JwtValidator validator;
  private final String projectId;
  private final Clock clock;
  private final Duration maxLifetime;

  public TokenVerifier(String publicJwkSet, String projectId, Clock clock) {
    this(publicJwkSet, projectId, clock, DEFAULT_MAX_LIFETIME);
  }

  /** As above, honouring tokens whose {@code exp - iat} is at most {@code maxLifetime}. */
  public TokenVerifier(String publicJwkSet, String projectId, Clock clock, Duration maxLifetime) {
    if (maxLifetime.isNegative() || maxLifetime.isZero()) {
      throw new IllegalArgumentException("the maximum token lifetime must be positive, not " + maxLifetime);
    }
    SessionTokens.ensureRegistered();
    this.keys = Keys.parse(publicJwkSet);
    this.validator = JwtValidator.newBuilder()
        .expectIssuer(SessionTokens.ISSUER)
        .expectAudience(SessionTokens.AUDIENCE)
        .setClock(clock)
        .setClockSkew(CLOCK_SKEW)
        .build();
    this.projectId = projectId;
    this.clock = clock;
    this.maxLifetime = maxLifetime;
  }

  private record Keys(JwtPublicKeyVerify verify, java.util.Set<String> ids, String jwks) {
    static Keys parse(String publicJwkSet) {
      try {
        KeysetHandle keys = JwkSetConverter.toPublicKeysetHandle(publicJwkSet);
        java.util.Set<String> ids = new HashSet<>();
        JSON.readTree(publicJwkSet).path("keys").forEach(k -> ids.add(k.path("kid").asText()));
        return new Keys(keys.getPrimitive(RegistryConfiguration.get(), JwtPublicKeyVerify.class), Set.copyOf(ids),
            publicJwkSet);
      } catch (GeneralSecurityException | IOException | RuntimeException e) {
        throw new IllegalArgumentException("the token verification key is not a valid ES256 JWK set", e);
      }
    }
  }

  /**
   * Replaces the trusted keys (the enclave server rotated or added one). Returns whether they
   * changed; an invalid set is refused and the old keys stay.
   */
  public boolean updateKeys(String publicJwkSet) {
    if (publicJwkSet.equals(keys.jwks())) {
      return false;
    }
    keys = Keys.parse(publicJwkSet);
    return true;
  }

  /**
   * What to do when a token names a key id this verifier does not hold: {@code refresh} fetches
   * the server's keys (rate limited by the caller) and says whether they changed; the token is
   * then verified once more.
   */
  public void onUnknownKey(java.util.function.BooleanSupplier refresh) {
    this.unknownKey = refresh;
  }

  /** The key id a token's header names, or null (read only to decide whether to fetch keys; nothing is trusted from it). */
  static String keyId(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return null;
    }
    try {
      return JSON.readTree(java.util.Base64.getUrlDecoder().decode(token.substring(0, dot))).path("kid").asText(null);
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  /** The issue time and lifetime checks, with a reason for each refusal. */
  private void checkLifetime(VerifiedJwt jwt) throws JwtInvalidException {
    if (!jwt.hasIssuedAt()) {
      throw Refusals.denyToken("it does not say when it was issued (no iat claim)");
    }
    Instant issued = jwt.getIssuedAt();
    if (issued.isAfter(clock.instant().plus(CLOCK_SKEW))) {
      throw Refusals.denyToken("it claims to be issued in the future (iat " + issued + ")");
    }
    Duration lifetime = Duration.between(issued, jwt.getExpiration());
    if (lifetime.compareTo(maxLifetime) > 0) {
      throw Refusals.denyToken("its lifetime of " + hours(lifetime) + " exceeds the " + hours(maxLifetime)
          + " the gateway honours; ask the enclave for a new session");
    }
  }

  private static String hours(Duration d) {
    long minutes = d.toMinutes();
    return minutes % 60 == 0 ? minutes / 60 + " h" : minutes / 60 + " h " + minutes % 60 + " min";
  }

  /** A verified token: its session and, if it carries one, its PostgreSQL SCRAM verifier. */
  public record Verified(GatewaySession session, java.util.Optional<String> pgScramVerifier) {}

  /** The session the token stands for; refuses with GW-TOKEN-INVALID or GW-TOKEN-WRONG-PROJECT. */
  public GatewaySession verify(String token) {
    return verifyAll(token).session();
  }

  /** As {@link #verify}, with the token's optional claims. */
  public Verified verifyAll(String token) {
    if (token == null || token.isBlank() || token.length() > 8192) {
      throw Refusals.denyToken("no token, or not a token");
    }
    VerifiedJwt jwt;
    try {
      jwt = verifySignature(token.trim());
    } catch (JwtInvalidException e) {
      throw Refusals.denyToken(reason(e));
    } catch (GeneralSecurityException e) {
      throw Refusals.denyToken("its signature is not the enclave's");
    }
    try {
      checkLifetime(jwt);
      String project = jwt.getStringClaim(SessionTokens.PROJECT);
      if (!projectId.equals(project)) {
        throw Refusals.denyTokenProject(project);
      }
      String kind = jwt.getStringClaim(SessionTokens.SESSION_KIND);
      GatewaySession.SessionKind sessionKind;
      try {
        sessionKind = GatewaySession.SessionKind.parse(kind);
      } catch (IllegalArgumentException e) {
        throw Refusals.denyToken("its session kind '" + kind + "' is neither remote nor onsite");
      }
      List<String> roles = List.of(JSON.readValue(jwt.getJsonArrayClaim(SessionTokens.ROLES), String[].class));
      Double certUntil = jwt.getNumberClaim(SessionTokens.ORG_CERT_VALID_UNTIL);
      Subject subject = new Subject(jwt.getSubject(), new HashSet<>(roles),
          jwt.getStringClaim(SessionTokens.ORG), jwt.getStringClaim(SessionTokens.ORG_CERT_TYPE),
          Instant.ofEpochSecond(certUntil.longValue()), project);
      if (!jwt.hasJwtId()) {
        throw Refusals.denyToken("it has no session id");
      }
      java.util.Optional<String> pg = jwt.hasStringClaim(SessionTokens.PG_SCRAM_VERIFIER)
          ? java.util.Optional.of(jwt.getStringClaim(SessionTokens.PG_SCRAM_VERIFIER)) : java.util.Optional.empty();
      return new Verified(new GatewaySession(jwt.getJwtId(), subject, sessionKind, jwt.getExpiration()), pg);
    } catch (GatewayRefusal r) {
      throw r;
    } catch (JwtInvalidException | IOException | RuntimeException e) {
      throw Refusals.denyToken("a required claim is missing or malformed");
    }
  }

  private VerifiedJwt verifySignature(String token) throws GeneralSecurityException {
    Keys k = keys;
    try {
      return k.verify().verifyAndDecode(token, validator);
    } catch (JwtInvalidException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      String kid = keyId(token);
      if (kid == null || k.ids().contains(kid) || !unknownKey.getAsBoolean()) {
        throw e;
      }
      return keys.verify().verifyAndDecode(token, validator);
    }
  }

  private static String reason(JwtInvalidException e) {
    String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    if (m.contains("expired")) {
      return "it has expired";
    }
    if (m.contains("audience")) {
      return "it is not meant for the query gateway";
    }
    if (m.contains("issuer")) {
      return "it was not issued by the enclave";
    }
    return "its signature or format is invalid";
  }

}
