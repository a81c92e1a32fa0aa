package jp.enclave.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Keycloak's LOGIN_ERROR events through its admin REST API
 * ({@code GET /admin/realms/{realm}/events}), read with a service-account client that holds only
 * realm-management's {@code view-events} role (client credentials grant). The realm export stores
 * login events for 30 days. Chosen over an event-listener SPI in Keycloak: nothing of ours runs
 * inside the identity provider, and an external Keycloak needs only the client.
 */
public final class KeycloakLoginFailures implements LoginFailures {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String issuer;
  private final String clientId;
  private final String clientSecret;
  private String token;
  private Instant tokenExpires = Instant.EPOCH;

  public KeycloakLoginFailures(String issuer, String clientId, String clientSecret) {
    this.issuer = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
  }

  @Override
  public List<Failure> since(Instant from) {
    int i = issuer.lastIndexOf("/realms/");
    if (i < 0) {
      throw new IllegalStateException("the issuer " + issuer + " is not a Keycloak realm URL (…/realms/<name>)");
    }
    String admin = issuer.substring(0, i) + "/admin/realms/" + issuer.substring(i + "/realms/".length());
    String day = LocalDate.ofInstant(from, ZoneOffset.UTC).toString();
    List<Failure> out = new ArrayList<>();
    int first = 0;
    while (true) {
      JsonNode events = get(admin + "/events?type=LOGIN_ERROR&dateFrom=" + day + "&first=" + first + "&max=500");
      for (JsonNode e : events) {
        Instant at = Instant.ofEpochMilli(e.path("time").asLong());
        if (at.isBefore(from)) {
          continue;
        }
        String account = e.path("details").path("username").asText(e.path("userId").asText("unknown"));
        out.add(new Failure(at, account, e.path("error").asText(""), e.path("ipAddress").asText("")));
      }
      if (events.size() < 500) {
        return out;
      }
      first += 500;
    }
  }

  private JsonNode get(String url) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
          .header("Authorization", "Bearer " + token()).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("Keycloak's events API answered " + r.statusCode() + " (does client " + clientId
            + " hold realm-management's view-events role?)");
      }
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new IllegalStateException("Keycloak's events API is not reachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private synchronized String token() throws IOException, InterruptedException {
    if (token != null && Instant.now().isBefore(tokenExpires)) {
      return token;
    }
    String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
        + "&client_secret=" + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(issuer + "/protocol/openid-connect/token"))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("no service-account token for " + clientId + " (" + r.statusCode() + ")");
    }
    JsonNode t = JSON.readTree(r.body());
    token = t.path("access_token").asText();
    tokenExpires = Instant.now().plusSeconds(Math.max(10, t.path("expires_in").asLong(60) - 20));
    return token;
  }
}
