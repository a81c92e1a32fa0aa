package jp.enclave.server.it;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.spec.SecretKeySpec;

/** The realm's demo accounts: passwords, the steward's seeded TOTP secret, access tokens for the API. */
public final class Accounts {
  public static final String STEWARD = "steward";
  public static final String RESEARCHER = "researcher";
  public static final String AUDITOR = "auditor";
  /** Keycloak subjects are fixed in the realm export. */
  public static final String RESEARCHER_SUBJECT = "a0000000-0000-4000-8000-000000000002";
  /** The steward's authenticator secret as seeded in enclave-realm.json (Keycloak keys HMAC with its bytes). */
  static final String STEWARD_TOTP_SEED = "enclave-demo-steward-totp-seed";

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static long lastStep = -1;

  private Accounts() {}

  public static String password(String user) {
    return user + "-demo";
  }

  /**
   * A fresh TOTP code for the steward. Keycloak refuses a code used once already, so a second
   * code in the same 30 s step waits for the next step.
   */
  public static synchronized String stewardTotp() throws Exception {
    long step = Instant.now().getEpochSecond() / 30;
    while (step == lastStep) {
      Thread.sleep(500);
      step = Instant.now().getEpochSecond() / 30;
    }
    lastStep = step;
    var totp = new TimeBasedOneTimePasswordGenerator(Duration.ofSeconds(30), 6, "HmacSHA1");
    return totp.generateOneTimePasswordString(
        new SecretKeySpec(STEWARD_TOTP_SEED.getBytes(StandardCharsets.UTF_8), "HmacSHA1"), Instant.ofEpochSecond(step * 30),
        java.util.Locale.ROOT);
  }

  /** An access token by the password grant (with the TOTP code for the steward). */
  public static String accessToken(String user) throws Exception {
    return accessToken(Services.issuer(), user);
  }

  /** The ID token of a password grant with scope openid (not an access token: the API must refuse it). */
  public static String idToken(String user) throws Exception {
    return grant(Services.issuer(), user, "&scope=openid").get("id_token").asText();
  }

  public static String accessToken(String issuer, String user) throws Exception {
    return grant(issuer, user, "").get("access_token").asText();
  }

  private static com.fasterxml.jackson.databind.JsonNode grant(String issuer, String user, String extra) throws Exception {
    String form = "grant_type=password&client_id=enclave-server&client_secret=enclave-server-dev-secret&username="
        + user + "&password=" + URLEncoder.encode(password(user), StandardCharsets.UTF_8)
        + (user.equals(STEWARD) ? "&totp=" + stewardTotp() : "") + extra;
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(issuer + "/protocol/openid-connect/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("no token for " + user + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }
}
