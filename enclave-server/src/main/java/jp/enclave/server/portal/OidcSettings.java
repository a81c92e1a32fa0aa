package jp.enclave.server.portal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.security.enterprise.authentication.mechanism.http.OpenIdAuthenticationMechanismDefinition;
import jakarta.security.enterprise.authentication.mechanism.http.openid.ClaimsDefinition;
import jakarta.security.enterprise.authentication.mechanism.http.openid.LogoutDefinition;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Portal login: Jakarta Security's built-in OpenID Connect mechanism (authorization code flow
 * against the enclave realm); the provider and client come from configuration. Keycloak puts the
 * realm roles in the {@code groups} claim. After login the user lands on their page ({@link Callback}):
 * Soteria's restoring of the original request fails on a parameterless GET (a NullPointerException
 * in {@code RequestData.getParameters()} on Payara 6.2025.10), so it is off.
 */
@OpenIdAuthenticationMechanismDefinition(
    providerURI = "${oidcConfig.issuer}",
    clientId = "${oidcConfig.clientId}",
    clientSecret = "${oidcConfig.clientSecret}",
    redirectURI = "${baseURL}/callback",
    redirectToOriginalResource = false,
    claimsDefinition = @ClaimsDefinition(callerNameClaim = "preferred_username", callerGroupsClaim = "groups"),
    logout = @LogoutDefinition(notifyProvider = true, redirectURI = "${baseURL}/index.xhtml"))
@ApplicationScoped
@Named("oidcConfig")
public class OidcSettings {
  @Inject
  @ConfigProperty(name = "enclave.oidc.issuer")
  String issuer;
  @Inject
  @ConfigProperty(name = "enclave.oidc.client-id", defaultValue = "enclave-server")
  String clientId;
  @Inject
  @ConfigProperty(name = "enclave.oidc.client-secret")
  String clientSecret;

  public String getIssuer() {
    return issuer;
  }

  public String getClientId() {
    return clientId;
  }

  public String getClientSecret() {
    return clientSecret;
  }
}
