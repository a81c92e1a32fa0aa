package jp.enclave.gateway.token;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.jwt.JwkSetConverter;
import com.google.crypto.tink.jwt.JwtEcdsaParameters;
import com.google.crypto.tink.jwt.JwtPublicKeySign;
import com.google.crypto.tink.jwt.JwtSignatureConfig;
import com.google.crypto.tink.jwt.RawJwt;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The session-token contract between the enclave server (issuer) and the gateway (verifier):
 * ES256 JWTs, issuer {@value #ISSUER}, audience {@value #AUDIENCE}, and the claims below. The
 * signing half lives here so both sides share one definition; the gateway itself holds only the
 * public JWK set.
 */
public final class SessionTokens {
  public static final String ISSUER = "enclave-server";
  public static final String AUDIENCE = "enclave-query-gateway";
  public static final String PROJECT = "project";
  public static final String SESSION_KIND = "session_kind";
  public static final String ROLES = "roles";
  public static final String ORG = "org";
  public static final String ORG_CERT_TYPE = "org_cert_type";
  public static final String ORG_CERT_VALID_UNTIL = "org_cert_valid_until";
  /**
   * Optional: the SCRAM-SHA-256 verifier (PostgreSQL's stored format) of the per-session password
   * the enclave server showed the researcher, for the gateway's PostgreSQL front end. Never the
   * password itself. Tokens without it stay valid; they just cannot open a PostgreSQL connection.
   */
  public static final String PG_SCRAM_VERIFIER = "pg_scram";

  static {
    try {
      JwtSignatureConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private SessionTokens() {}

  public static void ensureRegistered() {
    // Loading the class registers Tink's JWT signature primitives.
  }

  /** What the enclave server asserts about one session; {@code pgScramVerifier} may be null. */
  public record Claims(String userId, String projectId, String sessionKind, List<String> roles, String organisationId,
      String certificationType, Instant certifiedUntil, String sessionId, String pgScramVerifier) {
    public Claims {
      roles = List.copyOf(roles);
    }

    /** A session without PostgreSQL credentials. */
    public Claims(String userId, String projectId, String sessionKind, List<String> roles, String organisationId,
        String certificationType, Instant certifiedUntil, String sessionId) {
      this(userId, projectId, sessionKind, roles, organisationId, certificationType, certifiedUntil, sessionId, null);
    }
  }

  /** A fresh ES256 signing keyset (the enclave server's; tests and the local demo make their own). */
  public static KeysetHandle newSigningKeyset() {
    try {
      return KeysetHandle.generateNew(JwtEcdsaParameters.builder()
          .setAlgorithm(JwtEcdsaParameters.Algorithm.ES256)
          .setKidStrategy(JwtEcdsaParameters.KidStrategy.BASE64_ENCODED_KEY_ID)
          .build());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a JWT signing key", e);
    }
  }

  /** The public half as a JWK set: the only key material the gateway is given. */
  public static String publicJwkSet(KeysetHandle signing) {
    try {
      return JwkSetConverter.fromPublicKeysetHandle(signing.getPublicKeysetHandle());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot export the public JWK set", e);
    }
  }

  /** Signs a session token valid for {@code ttl}. */
  public static String issue(KeysetHandle signing, Claims c, Instant now, Duration ttl) {
    try {
      StringBuilder roles = new StringBuilder("[");
      for (int i = 0; i < c.roles().size(); i++) {
        roles.append(i == 0 ? "" : ",").append('"').append(c.roles().get(i).replace("\"", "")).append('"');
      }
      RawJwt.Builder builder = RawJwt.newBuilder()
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setSubject(c.userId())
          .setJwtId(c.sessionId() == null ? UUID.randomUUID().toString() : c.sessionId())
          .setIssuedAt(now)
          .setExpiration(now.plus(ttl))
          .addStringClaim(PROJECT, c.projectId())
          .addStringClaim(SESSION_KIND, c.sessionKind())
          .addJsonArrayClaim(ROLES, roles.append(']').toString())
          .addStringClaim(ORG, c.organisationId())
          .addStringClaim(ORG_CERT_TYPE, c.certificationType())
          .addNumberClaim(ORG_CERT_VALID_UNTIL, c.certifiedUntil().getEpochSecond());
      if (c.pgScramVerifier() != null) {
        builder.addStringClaim(PG_SCRAM_VERIFIER, c.pgScramVerifier());
      }
      RawJwt jwt = builder.build();
      return signing.getPrimitive(RegistryConfiguration.get(), JwtPublicKeySign.class).signAndEncode(jwt);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a session token", e);
    }
  }
}
