package jp.enclave.server.gateways;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The managed gateways reach this server on loopback at the port its requests arrive on, unless
 * {@code enclave.gateways.server-url} says otherwise (Payara Micro may pick its port itself).
 * Every request teaches it, not only the API's: a portal-only flow (sign in, book, open in the
 * browser) starts a gateway before any API call has arrived.
 */
@WebFilter(urlPatterns = "/*")
public class ServerUrl extends HttpFilter {
  @Inject
  GatewayManager gateways;

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    gateways.learnServerUrl(request.getLocalPort(), request.getContextPath());
    chain.doFilter(request, response);
  }
}
