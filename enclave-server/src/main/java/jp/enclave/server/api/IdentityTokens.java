package jp.enclave.server.api;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.util.List;
import java.util.Set;
import jp.enclave.server.access.Caller;
import jp.enclave.server.access.Refusals;

/**
 * Verifies the identity provider's access tokens for the API with Nimbus JOSE+JWT: RS256
 * signature against the realm's published keys (fetched and cached), issuer, audience
 * {@code enclave-server}, expiry, token type {@code Bearer} (not an ID token). Roles are the realm roles Keycloak puts in {@code groups}.
 */
@ApplicationScoped
public class IdentityTokens {
  @Inject
  jp.enclave.server.portal.OidcSettings oidc;

  /**
   * Keycloak's access tokens say {@code "typ":"Bearer"}. Its ID tokens for this client are signed
   * with the same key, name the same issuer and audience and carry the roles too ({@code "typ":"ID"}):
   * tried from outside, a portal login's ID token was taken as an API bearer token.
   */
  static final String ACCESS_TOKEN_TYPE = "Bearer";

  private DefaultJWTProcessor<SecurityContext> processor;

  @PostConstruct
  void init() {
    String issuer = oidc.getIssuer();
    String audience = oidc.getClientId();
    try {
      // Nimbus's default 500 ms timeouts fail a first request when the identity provider is slow
      // to answer (seen on a loaded machine): 5 s each, still bounded.
      JWKSource<SecurityContext> keys = JWKSourceBuilder
          .create(URI.create(issuer + "/protocol/openid-connect/certs").toURL(),
              new com.nimbusds.jose.util.DefaultResourceRetriever(5000, 5000, 256 * 1024))
          .retrying(true).build();
      processor = new DefaultJWTProcessor<>();
      processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
      processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audience,
          new JWTClaimsSet.Builder().issuer(issuer).claim("typ", ACCESS_TOKEN_TYPE).build(), Set.of("sub", "exp", "iat")));
    } catch (MalformedURLException e) {
      throw new IllegalStateException("enclave.oidc.issuer is not a URL: " + oidc.getIssuer(), e);
    }
  }

  public Caller verify(String token) {
    try {
      JWTClaimsSet claims = processor.process(token, null);
      List<String> groups = claims.getStringListClaim("groups");
      return new Caller(claims.getSubject(), claims.getStringClaim("preferred_username"),
          groups == null ? Set.of() : Set.copyOf(groups));
    } catch (ParseException | BadJOSEException | JOSEException e) {
      throw Refusals.unauthenticated("the bearer token is not a valid, current access token of the enclave ("
          + e.getMessage() + ")");
    }
  }
}
