package jp.enclave.server.it;

import static jp.enclave.server.it.Accounts.RESEARCHER_SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The export airlock on Payara Micro against the real PostgreSQL and Keycloak, with the real
 * output checker run by the server as a separate process: a researcher submits a table with an
 * unsafe cell, the checker flags it in the background, two reviewers split, a third applies the
 * suggested safe version, the researcher downloads the release and its hash matches. The attacks
 * (self-review, double submission, a vote after the decision, a download by anyone else) are
 * refused with their codes, audited, and change nothing; a check abandoned by a killed server is
 * finished once.
 */
@ExtendWith(Services.class)
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AirlockApiIT {
  private static final LocalDate TODAY = LocalDate.now(java.time.ZoneId.of("Asia/Tokyo"));
  private static final String RESEARCHER_2_SUBJECT = "a0000000-0000-4000-8000-000000000022";
  private static final String TABLE = "sex,persons\nF,120\nM,3\nTotal,123\n";
  private static final Map<String, String> TOKENS = new LinkedHashMap<>();
  private static String requestId;
  private static long keys;

  @ArquillianResource
  URL base;

  @Deployment(testable = false)
  static WebArchive war() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("enclave.war")));
  }

  private Api api() {
    return new Api(base);
  }

  private static String token(String user) throws Exception {
    String t = TOKENS.get(user);
    if (t == null) {
      t = Accounts.accessToken(user);
      TOKENS.put(user, t);
    }
    return t;
  }

  private static String key() {
    return "k-air-" + ++keys;
  }

  private Api.Reply post(String user, String path, String json) throws Exception {
    return api().post(path, token(user), key(), json);
  }

  @Test
  @Order(1)
  void theStewardRegistersAProjectWithTwoResearchers() throws Exception {
    String steward = Accounts.accessToken(Accounts.STEWARD);
    assertThat(api().post("api/registry/organisations", steward, key(), """
        {"id":"org-a","name":"Tokyo Medical University","certificationType":"type2","certificationNumber":"II-2026-001",
         "certifiedFrom":"%s","certifiedUntil":"%s"}""".formatted(TODAY.minusYears(1), TODAY.plusYears(1))).status())
        .isEqualTo(201);
    for (String subject : new String[] {RESEARCHER_SUBJECT, RESEARCHER_2_SUBJECT}) {
      assertThat(api().post("api/registry/users", steward, key(), """
          {"subject":"%s","name":"Researcher %s","organisationId":"org-a"}""".formatted(subject, subject)).status())
          .isEqualTo(201);
      assertThat(api().post("api/registry/users/" + subject + "/trainings", steward, key(), """
          {"course":"Pseudonymized data handling 2026","completedOn":"%s","expiresOn":"%s"}"""
          .formatted(TODAY.minusDays(30), TODAY.plusYears(1))).status()).isEqualTo(201);
    }
    Api.Reply project = api().post("api/registry/projects", steward, key(), """
        {"id":"p-air","title":"Diabetes outcomes","organisationId":"org-a","decisionNumber":"IRB-2026-015",
         "purpose":"outcomes of type 2 diabetes treatment","dataScope":"{\\"projectId\\":\\"p-air\\",\\"tables\\":{\\"patient\\":[\\"*\\"]}}",
         "approvedFrom":"%s","approvedUntil":"%s","members":{"%s":"LEAD","%s":"ANALYST"}}"""
        .formatted(TODAY.minusDays(10), TODAY.plusDays(200), RESEARCHER_SUBJECT, RESEARCHER_2_SUBJECT));
    assertThat(project.status()).as(project.body().toString()).isEqualTo(201);
  }

  @Test
  @Order(2)
  void theResearcherBuildsARequestOnceEvenWhenAPostIsRepeated() throws Exception {
    Api.Reply created = post("researcher", "api/exports", """
        {"projectId":"p-air","title":"Diabetes patients by sex"}""");
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    requestId = created.body().path("id").asText();
    assertThat(created.body().path("state").asText()).isEqualTo("draft");

    String item = """
        {"id":"t1","type":"table","name":"by_sex.csv","content":%s,"queries":["q-17"]}"""
        .formatted(Api.JSON.writeValueAsString(TABLE));
    Api.Reply added = api().post("api/exports/" + requestId + "/items", token("researcher"), "k-item-t1", item);
    assertThat(added.status()).as(added.body().toString()).isEqualTo(201);
    Api.Reply again = api().post("api/exports/" + requestId + "/items", token("researcher"), "k-item-t1", item);
    assertThat(again.raw().headers().firstValue("Idempotency-Replayed")).contains("true");
    assertThat(count("select count(*) from export_item where request_id = '" + requestId + "'")).isEqualTo(1);

    Api.Reply stale = post("researcher", "api/exports/" + requestId + "/items", """
        {"version":0,"id":"c1","type":"code","name":"analysis.sql","content":"select 1"}""");
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.code()).isEqualTo("stale-edit");
    Api.Reply bad = post("researcher", "api/exports/" + requestId + "/items", """
        {"id":"T 2","type":"figure","name":"../x.png","contentBase64":"@@","queries":["a;b"]}""");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.code()).isEqualTo("invalid-export-item");
    assertThat(bad.body().toString()).doesNotContain("Exception");
    Api.Reply code = post("researcher", "api/exports/" + requestId + "/items", """
        {"version":%d,"id":"c1","type":"code","name":"analysis.sql","content":"select sex, count(*) from patient group by sex"}"""
        .formatted(added.body().path("version").asLong()));
    assertThat(code.status()).as(code.body().toString()).isEqualTo(201);
    assertThat(code.body().path("items")).hasSize(2);
  }

  @Test
  @Order(3)
  void submittingQueuesTheCheckerAndASecondSubmissionIsRefused() throws Exception {
    Api.Reply submitted = post("researcher", "api/exports/" + requestId + "/submit", "{}");
    assertThat(submitted.status()).as(submitted.body().toString()).isEqualTo(200);
    assertThat(submitted.body().path("check").path("stage").asText()).isEqualTo("queued");
    Api.Reply twice = post("researcher", "api/exports/" + requestId + "/submit", "{}");
    assertThat(twice.status()).isEqualTo(409);
    assertThat(twice.code()).isEqualTo("export-transition-invalid");
    assertThat(count("select count(*) from export_check_job where request_id = '" + requestId + "'")).isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'export.refused' and target = 'export/"
        + requestId + "' and detail like '%export-transition-invalid%'")).isEqualTo(1);

    JsonNode checked = waitFor(requestId, "checked");
    assertThat(checked.path("check").path("stage").asText()).isEqualTo("done");
    assertThat(checked.path("check").path("attempts").asInt()).isEqualTo(1);
    JsonNode t1 = checked.path("items").get(0);
    assertThat(t1.path("verdict").asText()).isEqualTo("fail");
    assertThat(t1.path("safeVersion").asBoolean()).isTrue();
    assertThat(checked.path("items").get(1).path("verdict").asText()).isEqualTo("pass");
    assertThat(checked.path("requiredApprovals").asInt()).isEqualTo(2);
  }

  @Test
  @Order(4)
  void reviewersSeeTheReportWithTheFlaggedCellAndTheSafeVersion() throws Exception {
    HttpResponse<String> report = raw("api/exports/" + requestId + "/report", token("reviewer"));
    assertThat(report.statusCode()).isEqualTo(200);
    assertThat(report.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("default-src 'none'"));
    assertThat(report.body()).contains("threshold").contains("t1").contains("Suggested safe version");
    HttpResponse<String> safe = raw("api/exports/" + requestId + "/items/t1/content?safe=true", token("reviewer"));
    assertThat(safe.body()).contains("M,*");
    assertThat(raw("api/exports/" + requestId + "/report", token("researcher-2")).statusCode()).isEqualTo(200);
    assertThat(api().get("api/exports/review", token("reviewer")).body().toString()).contains(requestId);
    assertThat(api().get("api/exports/review", token("researcher")).body()).isEmpty();
  }

  @Test
  @Order(5)
  void selfReviewIsRefusedAndAudited() throws Exception {
    Api.Reply own = post("researcher", "api/exports/" + requestId + "/votes", """
        {"approve":true,"comment":"looks fine to me"}""");
    assertThat(own.status()).isEqualTo(403);
    assertThat(own.code()).isEqualTo("author-never-reviews");
    // an author who also holds the reviewer role: still never their own reviewer
    Api.Reply mine = post("researcher-2", "api/exports", """
        {"projectId":"p-air","title":"My own request"}""");
    Api.Reply self = post("researcher-2", "api/exports/" + mine.body().path("id").asText() + "/votes", """
        {"approve":true,"comment":"mine"}""");
    assertThat(self.status()).isEqualTo(403);
    assertThat(self.code()).isEqualTo("author-never-reviews");
    assertThat(count("select count(*) from export_vote")).isZero();
    assertThat(count("select count(*) from audit_event where event = 'access.denied' and detail like '%author-never-reviews%'"))
        .isEqualTo(2);
  }

  @Test
  @Order(6)
  void votesAreIndependentASplitGoesToAThirdReviewerWhoAppliesTheSafeVersion() throws Exception {
    Api.Reply first = post("reviewer", "api/exports/" + requestId + "/votes", """
        {"approve":true,"comment":"apply the suggested suppression","safeItems":["t1"]}""");
    assertThat(first.status()).as(first.body().toString()).isEqualTo(201);
    assertThat(first.body().path("state").asText()).isEqualTo("in-review");
    assertThat(first.body().path("votes")).hasSize(1);
    assertThat(api().get("api/exports/" + requestId, token("reviewer-2")).body().path("votes")).isEmpty();
    assertThat(api().get("api/exports/" + requestId, token("researcher")).body().path("votes")).isEmpty();
    Api.Reply twice = post("reviewer", "api/exports/" + requestId + "/votes", """
        {"approve":false,"comment":"changed my mind"}""");
    assertThat(twice.code()).isEqualTo("already-voted");

    Api.Reply second = post("reviewer-2", "api/exports/" + requestId + "/votes", """
        {"approve":false,"comment":"M is too small to publish even as a total"}""");
    assertThat(second.status()).isEqualTo(201);
    assertThat(second.body().path("state").asText()).isEqualTo("in-review");
    assertThat(second.body().path("votes")).hasSize(2);
    assertThat(api().get("api/exports/" + requestId, token("reviewer-3")).body().path("votes")).isEmpty();

    Api.Reply third = post("reviewer-3", "api/exports/" + requestId + "/votes", """
        {"approve":true,"comment":"the safe version protects M","safeItems":["t1"]}""");
    assertThat(third.status()).isEqualTo(201);
    assertThat(third.body().path("state").asText()).isEqualTo("released");
    JsonNode release = third.body().path("release");
    assertThat(release.path("packageSha256").asText()).hasSize(64);
    assertThat(release.path("files").toString()).contains("t1/by_sex_safe.csv").doesNotContain("t1/by_sex.csv");

    Api.Reply late = post("researcher-2", "api/exports/" + requestId + "/votes", """
        {"approve":false,"comment":"too late"}""");
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.code()).isEqualTo("export-transition-invalid");
    assertThat(count("select count(*) from export_vote where request_id = '" + requestId + "'")).isEqualTo(3);
    assertThat(count("select count(*) from audit_event where event = 'export.released'")).isEqualTo(1);
  }

  @Test
  @Order(7)
  void onlyTheResearcherDownloadsAndTheHashMatches() throws Exception {
    long denied = count("select count(*) from audit_event where event = 'access.denied'");
    for (String other : new String[] {"researcher-2", "reviewer", "steward"}) {
      String t = other.equals("steward") ? Accounts.accessToken(Accounts.STEWARD) : token(other);
      HttpResponse<byte[]> r = bytes("api/exports/" + requestId + "/release/package", t);
      assertThat(r.statusCode()).as(other).isEqualTo(403);
    }
    assertThat(count("select count(*) from audit_event where event = 'access.denied'")).isEqualTo(denied + 3);
    assertThat(count("select count(*) from audit_event where event = 'export.downloaded'")).isZero();

    HttpResponse<byte[]> zip = bytes("api/exports/" + requestId + "/release/package", token("researcher"));
    assertThat(zip.statusCode()).isEqualTo(200);
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(zip.body());
    JsonNode view = api().get("api/exports/" + requestId, token("researcher")).body();
    assertThat(HexFormat.of().formatHex(digest)).isEqualTo(view.path("release").path("packageSha256").asText());
    assertThat(zip.headers().firstValue("Repr-Digest")).contains("sha-256=:" + Base64.getEncoder().encodeToString(digest) + ":");
    Map<String, byte[]> files = unzip(zip.body());
    assertThat(new String(files.get("t1/by_sex_safe.csv"), StandardCharsets.UTF_8)).contains("M,*").doesNotContain(",3\n");
    String manifest = new String(files.get("manifest.json"), StandardCharsets.UTF_8);
    assertThat(manifest).contains(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(files.get("t1/by_sex_safe.csv"))));
    assertThat(view.path("votes")).hasSize(3);
    assertThat(count("select count(*) from audit_event where event = 'export.downloaded'")).isEqualTo(1);
    // released tables join the project's release history
    assertThat(count("select count(*) from release_table where project_id = 'p-air'")).isEqualTo(1);
    try (Connection c = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "")) {
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() ->
          c.createStatement().executeUpdate("update project_release set package_sha256 = repeat('0', 64)")))
          .hasMessageContaining("append-only");
    }
  }

  /**
   * What a server killed with -9 during checking leaves behind: the request checking, its job
   * running under a worker that no longer renews the lease. The restarted worker finishes it
   * once: one verdict, no second start, no second job.
   */
  @Test
  @Order(8)
  void aCheckAbandonedByAKilledServerIsFinishedOnce() throws Exception {
    Api.Reply created = post("researcher", "api/exports", """
        {"projectId":"p-air","title":"Age bands"}""");
    String id = created.body().path("id").asText();
    assertThat(post("researcher", "api/exports/" + id + "/items", """
        {"id":"t2","type":"table","name":"age.csv","content":"age_band,persons\\n40-49,40\\n50-59,52\\n","queries":["q-18"]}""")
        .status()).isEqualTo(201);
    try (Connection c = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "")) {
      c.setAutoCommit(false);
      // the crash state, written as the killed server's claim would have left it
      c.createStatement().executeUpdate("update export_request set state = 'CHECKING', check_stage = 'running', "
          + "check_attempts = 1, check_started_at = now() - interval '1 hour', version = version + 1 where id = '" + id + "'");
      c.createStatement().executeUpdate("insert into export_check_job values ('job-of-a-dead-server', '" + id
          + "', 'running', now() - interval '1 hour', now() - interval '1 hour', 'server-killed', null, null, 1)");
      c.commit();
    }
    JsonNode checked = waitFor(id, "checked");
    assertThat(checked.path("check").path("attempts").asInt()).isEqualTo(1);
    assertThat(checked.path("items").get(0).path("verdict").asText()).isEqualTo("fail"); // q-18 is in no audit trail here
    assertThat(count("select count(*) from audit_event where event = 'export.checked' and target = 'export/" + id + "'"))
        .isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'export.check-started' and target = 'export/" + id + "'"))
        .isZero();
    assertThat(count("select count(*) from export_check_job where request_id = '" + id + "' and state = 'done'")).isEqualTo(1);
    assertThat(count("select count(*) from export_check_job where request_id = '" + id + "'")).isEqualTo(1);
    Thread.sleep(3000); // later ticks leave it alone
    assertThat(count("select count(*) from audit_event where event = 'export.checked' and target = 'export/" + id + "'"))
        .isEqualTo(1);
  }

  @Test
  @Order(9)
  void theAuditChainStillVerifies() throws Exception {
    Api.Reply verify = api().get("api/audit/verify", Accounts.accessToken(Accounts.AUDITOR));
    assertThat(verify.status()).isEqualTo(200);
    assertThat(verify.body().toString()).contains("true");
  }

  private JsonNode waitFor(String id, String state) throws Exception {
    long until = System.nanoTime() + 180_000_000_000L;
    JsonNode last = null;
    while (System.nanoTime() < until) {
      last = api().get("api/exports/" + id, token("researcher")).body();
      if (last.path("state").asText().equals(state)) {
        return last;
      }
      assertThat(last.path("state").asText()).as(last.toString()).isNotEqualTo("check-failed");
      Thread.sleep(500);
    }
    throw new AssertionError("request " + id + " did not reach " + state + ": " + last);
  }

  private HttpResponse<String> raw(String path, String token) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(Api.local(base) + path))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<byte[]> bytes(String path, String token) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(Api.local(base) + path))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static Map<String, byte[]> unzip(byte[] zip) throws Exception {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        out.put(e.getName(), in.readAllBytes());
      }
    }
    return out;
  }

  private static long count(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "");
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
