package jp.enclave.server.gateways;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * The managed gateways reach this server on loopback at the port its requests arrive on, unless
 * {@code enclave.gateways.server-url} says otherwise (Payara Micro may pick its port itself).
 */
@Provider
public class ServerUrl implements ContainerRequestFilter {
  @Inject
  GatewayManager gateways;

  @Override
  public void filter(ContainerRequestContext request) {
    gateways.learnServerUrl(request.getUriInfo().getBaseUri());
  }
}
