package jp.enclave.server.api;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import java.util.Set;

/** Every API path but the public ones needs a bearer token; the caller it names is the request's. */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class BearerAuthentication implements ContainerRequestFilter {
  /** Readable without login: the published session-token keys and the public project register. */
  static final Set<String> PUBLIC = Set.of("keys/jwks.json", "public/projects");
  static final String GATEWAY_LINK = "gateway-link/";

  @Inject
  IdentityTokens tokens;
  @Inject
  CurrentCaller current;

  @Override
  public void filter(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath().replaceAll("^/+", "");
    if (PUBLIC.contains(path)) {
      return;
    }
    if (path.startsWith(GATEWAY_LINK)) {
      // The project gateways' endpoints check the gateway's own credential (GatewayLinkResource).
      return;
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      current.set(tokens.verify(header.substring(7).trim()));
    }
    current.get();
  }
}
