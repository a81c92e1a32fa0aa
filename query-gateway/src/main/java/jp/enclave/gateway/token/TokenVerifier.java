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
import jp.enclave.gateway.core.GatewayRefusal;
import jp.enclave.gateway.core.GatewaySession;
import jp.enclave.gateway.core.Refusals;
import jp.enclave.policies.Subject;

/**
 * Verifies session tokens for one project: signature (ES256, the enclave's public key only),
 * issuer, audience, expiry (small clock skew), every required claim, and that the token's project
 * is the one this gateway serves. A token for project A never opens project B.
 */
public final class TokenVerifier {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JwtPublicKeyVerify verify;
  private final JwtValidator validator;
  private final String projectId;

  public TokenVerifier(String publicJwkSet, String projectId, Clock clock) {
    SessionTokens.ensureRegistered();
    try {
      KeysetHandle keys = JwkSetConverter.toPublicKeysetHandle(publicJwkSet);
      this.verify = keys.getPrimitive(RegistryConfiguration.get(), JwtPublicKeyVerify.class);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("the token verification key is not a valid ES256 JWK set", e);
    }
    this.validator = JwtValidator.newBuilder()
        .expectIssuer(SessionTokens.ISSUER)
        .expectAudience(SessionTokens.AUDIENCE)
        .expectIssuedInThePast()
        .setClock(clock)
        .setClockSkew(Duration.ofSeconds(30))
        .build();
    this.projectId = projectId;
  }

  /** The session the token stands for; refuses with GW-TOKEN-INVALID or GW-TOKEN-WRONG-PROJECT. */
  public GatewaySession verify(String token) {
    if (token == null || token.isBlank() || token.length() > 8192) {
      throw Refusals.denyToken("no token, or not a token");
    }
    VerifiedJwt jwt;
    try {
      jwt = verify.verifyAndDecode(token.trim(), validator);
    } catch (JwtInvalidException e) {
      throw Refusals.denyToken(reason(e));
    } catch (GeneralSecurityException e) {
      throw Refusals.denyToken("its signature is not the enclave's");
    }
    try {
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
      return new GatewaySession(jwt.getJwtId(), subject, sessionKind, jwt.getExpiration());
    } catch (GatewayRefusal r) {
      throw r;
    } catch (JwtInvalidException | IOException | RuntimeException e) {
      throw Refusals.denyToken("a required claim is missing or malformed");
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
