package jp.enclave.server.onsite;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where this HTTP request comes from: the client address (trusted proxies only, see
 * {@link ClientAddress}) and the terminal credential from the {@code Enclave-Terminal} header or
 * the enrolment cookie.
 */
@RequestScoped
public class RequestPresence {
  @Inject
  HttpServletRequest request;
  @Inject
  @ConfigProperty(name = "enclave.onsite.trusted-proxies", defaultValue = " ")
  String trustedProxies;

  public Presence get() {
    String address = ClientAddress.of(request.getRemoteAddr(), request.getHeader("X-Forwarded-For"),
        Set.copyOf(Arrays.stream(trustedProxies.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()));
    String credential = request.getHeader(Presence.HEADER);
    if (credential == null && request.getCookies() != null) {
      credential = Arrays.stream(request.getCookies()).filter(c -> c.getName().equals(Presence.COOKIE))
          .map(Cookie::getValue).map(v -> v.replaceFirst("\\.", ":")).findFirst().orElse(null);
    }
    return Presence.of(address, credential);
  }
}
