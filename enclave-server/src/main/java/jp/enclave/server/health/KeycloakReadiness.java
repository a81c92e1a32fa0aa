package jp.enclave.server.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the identity provider publishes the realm's OpenID configuration. */
@Readiness
@ApplicationScoped
public class KeycloakReadiness implements HealthCheck {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Inject
  @ConfigProperty(name = "enclave.oidc.issuer")
  String issuer;

  @Override
  public HealthCheckResponse call() {
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration"))
          .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.discarding());
      return HealthCheckResponse.named("keycloak").status(r.statusCode() == 200).withData("issuer", issuer)
          .withData("status", r.statusCode()).build();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return HealthCheckResponse.named("keycloak").down().withData("issuer", issuer)
          .withData("error", e.getClass().getSimpleName() + ": " + e.getMessage()).build();
    }
  }
}
