package jp.enclave.server.sessions;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The public JWK set the gateway trusts for session tokens (the server's key, public half only). */
@Path("keys/jwks.json")
@RequestScoped
public class KeysResource {
  @Inject
  GatewayTokens tokens;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public String jwks() {
    return tokens.publicJwkSet();
  }
}
