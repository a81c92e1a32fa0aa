package jp.enclave.server.launcher;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;

/**
 * The demo's researcher session, through the server's API as the portal would do it: the demo
 * steward (password and TOTP from the realm's seeded secret) registers the demo organisation, the
 * demo researcher with training and the demo project (each only if missing), then the researcher
 * books and opens a remote session. The server starts the project's gateway; the token goes to
 * {@code --out} (owner-only) and the gateway's address is printed: {@code gateway HOST:PORT}.
 *
 * <pre>java -cp enclave-server-launcher.jar:launcher-lib/* jp.enclave.server.launcher.DemoSession
 *     --server http://localhost:8080/ --issuer http://localhost:18180/realms/enclave --project demo-dm --out FILE</pre>
 */
public final class DemoSession {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** The realm export's fixed subject of the demo researcher. */
  static final String RESEARCHER_SUBJECT = "a0000000-0000-4000-8000-000000000002";
  static final String STAFF_SUBJECT = "a0000000-0000-4000-8000-000000000005";
  static final String DEMO_CENTER = "demo-center";
  static final String STEWARD_TOTP_SEED = "enclave-demo-steward-totp-seed";
  private static final Set<Integer> DONE = Set.of(200, 201);

  private final String server;
  private final String issuer;

  private DemoSession(String server, String issuer) {
    this.server = server.endsWith("/") ? server : server + "/";
    this.issuer = issuer;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    if (!o.keySet().containsAll(Set.of("server", "issuer", "project", "out"))) {
      System.err.println("usage: DemoSession --server URL --issuer URL --project ID --out TOKEN_FILE");
      System.exit(2);
    }
    try {
      DemoSession d = new DemoSession(o.get("server"), o.get("issuer"));
      String gateway = d.run(o.get("project"), Path.of(o.get("out")));
      System.out.println("gateway " + gateway);
    } catch (IllegalStateException e) {
      System.err.println("demo session: " + e.getMessage());
      System.exit(1);
    }
  }

  private String run(String project, Path out) throws Exception {
    LocalDate today = LocalDate.now(ZoneId.of("Asia/Tokyo"));
    String steward = token("steward", totp());
    ensure(steward, "api/registry/organisations", """
        {"id":"org-demo","name":"デモ大学病院 (demo)","certificationType":"type2","certificationNumber":"II-DEMO-001",
         "certifiedFrom":"%s","certifiedUntil":"%s"}""".formatted(today.minusYears(1), today.plusYears(2)));
    ensure(steward, "api/registry/users", """
        {"subject":"%s","name":"デモ研究者 (demo researcher)","organisationId":"org-demo"}""".formatted(RESEARCHER_SUBJECT));
    // The demo's onsite desk works at once: its staff account works at the demo's onsite center.
    ensure(steward, "api/registry/users", """
        {"subject":"%s","name":"デモ受付 (demo onsite staff)","organisationId":"org-demo"}""".formatted(STAFF_SUBJECT));
    HttpResponse<String> center = send(steward, "api/registry/users/" + STAFF_SUBJECT + "/onsite-center", "PUT",
        "{\"centerId\":\"" + DEMO_CENTER + "\"}");
    if (!DONE.contains(center.statusCode())) {
      throw new IllegalStateException("PUT onsite-center answered " + center.statusCode() + ": " + center.body());
    }
    ensure(steward, "api/registry/users/" + RESEARCHER_SUBJECT + "/trainings", """
        {"course":"仮名加工医療情報の取扱い (demo)","completedOn":"%s","expiresOn":"%s"}"""
        .formatted(today.minusDays(7), today.plusYears(1)));
    ensure(steward, "api/registry/projects", """
        {"version":0,"id":"%s","title":"2型糖尿病患者の検査値と処方の推移 (demo)","organisationId":"org-demo",
         "decisionNumber":"DEMO-2026-001","purpose":"demo: outcomes of type 2 diabetes treatment",
         "dataScope":"{\\"projectId\\":\\"%s\\",\\"tables\\":{\\"patient\\":[\\"*\\"],\\"diagnosis\\":[\\"*\\"],\\"clinical_note\\":[\\"*\\"]}}",
         "approvedFrom":"%s","approvedUntil":"%s","members":{"%s":"LEAD"}}"""
        .formatted(project, project, today.minusDays(30), today.plusYears(1), RESEARCHER_SUBJECT));
    String researcher = token("researcher", null);
    JsonNode booked = post(researcher, "api/sessions", "{\"projectId\":\"" + project + "\",\"kind\":\"remote\"}");
    JsonNode opened = post(researcher, "api/sessions/" + booked.path("id").asText() + "/open", null);
    Files.deleteIfExists(out);
    Files.createFile(out, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(out, opened.path("token").asText() + "\n");
    JsonNode pg = opened.path("postgres");
    if (!pg.isMissingNode() && !pg.isNull()) {
      // The session's PostgreSQL password, beside its token and as private (the demo script prints how to connect).
      Path pgOut = out.resolveSibling(out.getFileName() + ".pg");
      Files.deleteIfExists(pgOut);
      Files.createFile(pgOut, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(pgOut, pg.path("connectionString").asText() + " password=" + pg.path("password").asText() + "\n");
    }
    return opened.path("gateway").asText();
  }

  /** Registers unless it exists already (a re-run of the demo on the same home). */
  private void ensure(String bearer, String path, String json) throws Exception {
    HttpResponse<String> r = send(bearer, path, json);
    if (!DONE.contains(r.statusCode()) && !(r.statusCode() == 409 && r.body().contains("-exists"))) {
      throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  private JsonNode post(String bearer, String path, String json) throws Exception {
    HttpResponse<String> r = send(bearer, path, json);
    if (!DONE.contains(r.statusCode())) {
      throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private HttpResponse<String> send(String bearer, String path, String json) throws IOException, InterruptedException {
    return send(bearer, path, "POST", json);
  }

  private HttpResponse<String> send(String bearer, String path, String method, String json)
      throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(server + path)).timeout(Duration.ofMinutes(3))
        .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
        .header("Idempotency-Key", java.util.UUID.randomUUID().toString())
        .method(method, HttpRequest.BodyPublishers.ofString(json == null ? "" : json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String token(String user, String totp) throws Exception {
    String form = "grant_type=password&client_id=enclave-server&client_secret=enclave-server-dev-secret&username="
        + user + "&password=" + URLEncoder.encode(user + "-demo", StandardCharsets.UTF_8) + (totp == null ? "" : "&totp=" + totp);
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(issuer + "/protocol/openid-connect/token"))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("no token for the demo account " + user + ": " + r.body());
    }
    return JSON.readTree(r.body()).path("access_token").asText();
  }

  private static String totp() throws Exception {
    var generator = new TimeBasedOneTimePasswordGenerator(Duration.ofSeconds(30), 6, "HmacSHA1");
    return generator.generateOneTimePasswordString(
        new SecretKeySpec(STEWARD_TOTP_SEED.getBytes(StandardCharsets.UTF_8), "HmacSHA1"), Instant.now(), java.util.Locale.ROOT);
  }
}
