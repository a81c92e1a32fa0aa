package jp.enclave.server.portal;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.security.enterprise.SecurityContext;
import jakarta.security.enterprise.identitystore.openid.OpenIdContext;
import java.util.List;
import java.util.Set;
import jp.enclave.server.access.Caller;
import jp.enclave.server.access.Refusals;

/** The signed-in portal user as a domain {@link Caller}: subject and realm roles from the ID token. */
@Named
@RequestScoped
public class PortalUser {
  @Inject
  OpenIdContext oidc;
  @Inject
  SecurityContext security;

  public boolean isSignedIn() {
    return security.getCallerPrincipal() != null;
  }

  public Caller caller() {
    if (!isSignedIn()) {
      throw Refusals.unauthenticated("sign in through the enclave's identity provider");
    }
    List<String> groups = oidc.getIdentityToken().getJwtClaims().getArrayStringClaim("groups");
    return new Caller(oidc.getSubject(), security.getCallerPrincipal().getName(),
        groups == null ? Set.of() : Set.copyOf(groups));
  }

  public String getName() {
    return isSignedIn() ? security.getCallerPrincipal().getName() : "";
  }

  public boolean hasRole(String role) {
    return isSignedIn() && caller().roles().contains(role);
  }

  public String getRoles() {
    return isSignedIn() ? String.join(", ", new java.util.TreeSet<>(caller().roles())) : "";
  }
}
