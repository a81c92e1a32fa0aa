package jp.enclave.server.it;

import static jp.enclave.server.it.Accounts.RESEARCHER_SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.net.URL;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import jp.enclave.gateway.token.TokenVerifier;
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
 * The API on Payara Micro against the real PostgreSQL and Keycloak: the steward's registry, a
 * researcher's session with a gateway token, refusals as problem details, idempotency, stale edits,
 * lapses, revocation, and the audit chain written in the same transaction as each change.
 */
@ExtendWith(Services.class)
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerApiIT {
  private static final LocalDate TODAY = LocalDate.now(java.time.ZoneId.of("Asia/Tokyo"));
  private static String steward;
  private static String researcher;
  private static String auditor;
  private static String sessionId;

  @ArquillianResource
  URL base;

  @Deployment(testable = false)
  static WebArchive war() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("enclave.war")));
  }

  private Api api() {
    return new Api(base);
  }

  private static String org(String id, LocalDate until) {
    return """
        {"id":"%s","name":"Tokyo Medical University","certificationType":"type2","certificationNumber":"II-2026-001",
         "certifiedFrom":"%s","certifiedUntil":"%s"}""".formatted(id, TODAY.minusYears(1), until);
  }

  @Test
  @Order(1)
  void healthIsReadyWithPostgresAndKeycloak() throws Exception {
    Api.Reply ready = api().get("../health/ready", null);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.body().toString()).contains("\"postgresql\"", "\"keycloak\"").doesNotContain("DOWN");
    assertThat(api().get("../health/live", null).status()).isEqualTo(200);
  }

  @Test
  @Order(2)
  void withoutOrWithAForgedTokenTheApiRefuses() throws Exception {
    Api.Reply none = api().get("api/registry/organisations", null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.raw().headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(none.code()).isEqualTo("unauthenticated");
    assertThat(none.body().path("type").asText()).isEqualTo("urn:enclave:problem:unauthenticated");

    researcher = Accounts.accessToken(Accounts.RESEARCHER);
    String[] parts = researcher.split("\\.");
    String forgedClaims = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8)
            .replace("\"researcher\"", "\"steward\"").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Api.Reply forged = api().get("api/registry/organisations", parts[0] + "." + forgedClaims + "." + parts[2]);
    assertThat(forged.status()).isEqualTo(401);
    assertThat(forged.body().toString()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  @Order(3)
  void aResearcherCannotManageTheRegistryAndTheDenialIsAudited() throws Exception {
    Api.Reply r = api().post("api/registry/organisations", researcher, "k-deny", org("org-x", TODAY.plusYears(1)));
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.code()).isEqualTo("not-permitted");
    assertThat(count("select count(*) from organisation")).isZero();
    assertThat(count("select count(*) from audit_event where event = 'access.denied'")).isEqualTo(1);
  }

  @Test
  @Order(4)
  void theStewardRegistersOnceEvenWhenThePostIsRepeated() throws Exception {
    steward = Accounts.accessToken(Accounts.STEWARD);
    Api.Reply first = api().post("api/registry/organisations", steward, "k-org", org("org-a", TODAY.plusYears(1)));
    assertThat(first.status()).as(first.body().toString()).isEqualTo(201);
    Api.Reply again = api().post("api/registry/organisations", steward, "k-org", org("org-a", TODAY.plusYears(1)));
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.raw().headers().firstValue("Idempotency-Replayed")).contains("true");
    assertThat(again.body()).isEqualTo(first.body());
    Api.Reply reused = api().post("api/registry/organisations", steward, "k-org", org("org-b", TODAY.plusYears(1)));
    assertThat(reused.status()).isEqualTo(409);
    assertThat(reused.code()).isEqualTo("idempotency-key-reused");
    Api.Reply noKey = api().post("api/registry/organisations", steward, null, org("org-b", TODAY.plusYears(1)));
    assertThat(noKey.code()).isEqualTo("idempotency-key-missing");
    assertThat(count("select count(*) from organisation")).isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'organisation.registered'")).isEqualTo(1);

    assertThat(api().post("api/registry/users", steward, "k-user", """
        {"subject":"%s","name":"Demo Researcher","organisationId":"org-a"}""".formatted(RESEARCHER_SUBJECT)).status())
        .isEqualTo(201);
    assertThat(api().post("api/registry/users/" + RESEARCHER_SUBJECT + "/trainings", steward, "k-training", """
        {"course":"Pseudonymized data handling 2026","completedOn":"%s","expiresOn":"%s"}"""
        .formatted(TODAY.minusDays(30), TODAY.plusYears(1))).status()).isEqualTo(201);
    Api.Reply project = api().post("api/registry/projects", steward, "k-project", project("p-dm", TODAY.plusDays(200)));
    assertThat(project.status()).as(project.body().toString()).isEqualTo(201);
  }

  private static String project(String id, LocalDate until) {
    return project(id, until, 0);
  }

  private static String project(String id, LocalDate until, long version) {
    return """
        {"version":%d,"id":"%s","title":"Diabetes outcomes","organisationId":"org-a","decisionNumber":"IRB-2026-014",
         "purpose":"outcomes of type 2 diabetes treatment","dataScope":"{\\"projectId\\":\\"%s\\",\\"tables\\":{\\"patient\\":[\\"*\\"]}}",
         "approvedFrom":"%s","approvedUntil":"%s","members":{"%s":"LEAD"}}"""
        .formatted(version, id, id, TODAY.minusDays(10), until, RESEARCHER_SUBJECT);
  }

  @Test
  @Order(5)
  void badInputAndStaleEditsAreRefusedWithStateUnchanged() throws Exception {
    Api.Reply bad = api().post("api/registry/organisations", steward, "k-bad", """
        {"id":"Bad Id","name":"","certificationType":"type2","certificationNumber":"",
         "certifiedFrom":"2026-05-01","certifiedUntil":"2026-04-01"}""");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.code()).isEqualTo("invalid-organisation");
    assertThat(bad.body().path("errors")).hasSize(4);
    Api.Reply malformed = api().post("api/registry/organisations", steward, "k-malformed", "{\"id\": ");
    assertThat(malformed.status()).isEqualTo(400);

    long audited = count("select count(*) from audit_event");
    String v0 = org("org-a", TODAY.plusYears(2)).replace("}", ",\"version\":0}");
    Api.Reply edited = api().put("api/registry/organisations/org-a", steward, v0);
    assertThat(edited.status()).as(edited.body().toString()).isEqualTo(200);
    assertThat(edited.body().path("version").asLong()).isEqualTo(1);
    Api.Reply stale = api().put("api/registry/organisations/org-a", steward, v0.replace("Tokyo", "Osaka"));
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.code()).isEqualTo("stale-edit");
    assertThat(count("select count(*) from organisation where name like 'Osaka%'")).isZero();
    assertThat(count("select count(*) from audit_event")).isEqualTo(audited + 1);
  }

  @Test
  @Order(6)
  void aResearcherOpensASessionWithATokenTheGatewayAccepts() throws Exception {
    Api.Reply booked = api().post("api/sessions", researcher, "k-book", "{\"projectId\":\"p-dm\",\"kind\":\"remote\"}");
    assertThat(booked.status()).as(booked.body().toString()).isEqualTo(201);
    sessionId = booked.body().path("id").asText();
    Api.Reply opened = api().post("api/sessions/" + sessionId + "/open", researcher, "k-open", null);
    assertThat(opened.status()).as(opened.body().toString()).isEqualTo(200);
    assertThat(opened.body().path("jdbcUrl").asText()).startsWith("jdbc:arrow-flight-sql://127.0.0.1:47470/");

    String jwks = api().get("api/keys/jwks.json", null).raw().body();
    var session = new TokenVerifier(jwks, "p-dm", Clock.systemUTC()).verify(opened.body().path("token").asText());
    assertThat(session.userId()).isEqualTo(RESEARCHER_SUBJECT);
    assertThat(session.sessionId()).isEqualTo(sessionId);
    assertThat(api().get("../metrics", null).raw().body()).contains("enclave_sessions_opened_total");
  }

  @Test
  @Order(7)
  void aLapsedApprovalRefusesNewSessionsAndEndsTheRunningOne() throws Exception {
    long version = api().get("api/registry/projects", steward).body().get(0).path("version").asLong();
    Api.Reply shortened = api().put("api/registry/projects/p-dm", steward, project("p-dm", TODAY.minusDays(1), version));
    assertThat(shortened.status()).as(shortened.body().toString()).isEqualTo(200);
    Api.Reply refused = api().post("api/sessions", researcher, "k-book-2", "{\"projectId\":\"p-dm\",\"kind\":\"remote\"}");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.code()).isEqualTo("approval-lapsed");
    assertThat(refused.body().path("detail").asText()).contains("approval is not valid today");
    assertThat(api().get("api/public/projects", null).body()).isEmpty();

    // The server's once-a-minute sweep ends the session that was already open, with the reason.
    JsonNode session = null;
    for (int i = 0; i < 45; i++) {
      session = api().get("api/sessions", researcher).body().get(0);
      if (session.path("state").asText().equals("REVOKED")) {
        break;
      }
      Thread.sleep(2000);
    }
    assertThat(session.path("state").asText()).isEqualTo("REVOKED");
    assertThat(session.path("endedBy").asText()).isEqualTo("system");
    assertThat(session.path("endReason").asText()).isEqualTo("lapsed: the project's approval is not valid today");
  }

  @Test
  @Order(8)
  void theStewardRevokesAndTheAuditorVerifiesTheChain() throws Exception {
    long version = api().get("api/registry/projects", steward).body().get(0).path("version").asLong();
    assertThat(api().put("api/registry/projects/p-dm", steward, project("p-dm", TODAY.plusDays(200), version)).status())
        .isEqualTo(200);
    String id = api().post("api/sessions", researcher, "k-book-3", "{\"projectId\":\"p-dm\"}").body().path("id").asText();
    assertThat(api().post("api/sessions/" + id + "/open", researcher, "k-open-3", null).status()).isEqualTo(200);

    Api.Reply byResearcher = api().post("api/sessions/" + id + "/revoke", researcher, "k-rev-0", "{\"reason\":\"x\"}");
    assertThat(byResearcher.code()).isEqualTo("not-permitted");
    Api.Reply revoked = api().post("api/sessions/" + id + "/revoke", steward, "k-rev",
        "{\"reason\":\"suspected credential sharing\"}");
    assertThat(revoked.status()).as(revoked.body().toString()).isEqualTo(200);
    assertThat(revoked.body().path("state").asText()).isEqualTo("REVOKED");
    Api.Reply reopen = api().post("api/sessions/" + id + "/open", researcher, "k-open-4", null);
    assertThat(reopen.code()).isEqualTo("session-transition-invalid");

    auditor = Accounts.accessToken(Accounts.AUDITOR);
    assertThat(api().get("api/audit/verify", steward).code()).isEqualTo("not-permitted");
    Api.Reply verified = api().get("api/audit/verify", auditor);
    assertThat(verified.body().path("valid").asBoolean()).as(verified.body().toString()).isTrue();
    Api.Reply revocations = api().get("api/audit?event=session.revoked", auditor);
    assertThat(revocations.body()).hasSize(1);
    assertThat(revocations.body().get(0).path("detail").asText()).contains("suspected credential sharing");
    assertThat(api().get("api/audit?event=session.lapsed", auditor).body()).hasSize(1);
  }

  @Test
  @Order(9)
  void theTrailCannotBeEditedThroughTheDatabaseConnection() throws Exception {
    try (Connection c = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() ->
          c.createStatement().executeUpdate("update audit_event set actor = 'someone' where seq = 1"))
          .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
      org.assertj.core.api.Assertions.assertThatThrownBy(() ->
          c.createStatement().executeUpdate("delete from audit_event where seq = 1"))
          .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
    }
  }

  /**
   * Tried from outside (enclave-server README): an ID token is not an access token; pages and
   * answers carry the security headers; a body with U+0000, not UTF-8 or above the call's limit is
   * a problem with a stable code, changes nothing and is audited with the caller.
   */
  @Test
  @Order(10)
  void triedFromOutsideRefusalsChangeNothingAndAreAudited() throws Exception {
    String idToken = Accounts.idToken(Accounts.RESEARCHER);
    Api.Reply id = api().get("api/sessions", idToken);
    assertThat(id.status()).isEqualTo(401);
    assertThat(id.code()).isEqualTo("unauthenticated");

    java.net.http.HttpResponse<String> page = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
        .newBuilder(java.net.URI.create(Api.local(base) + "index.xhtml")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(page.headers().firstValue("Content-Security-Policy")).get().asString()
        .contains("frame-ancestors 'none'", "script-src 'self'");
    assertThat(page.headers().allValues("X-Frame-Options")).containsExactly("DENY");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(page.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");

    String token = Accounts.accessToken(Accounts.RESEARCHER);
    Api.Reply sessions = api().get("api/sessions", token);
    assertThat(sessions.raw().headers().firstValue("Cache-Control")).contains("no-store");
    long requests = count("select count(*) from export_request");
    String refusedByResearcher = "select count(*) from audit_event where event = 'request.refused' and actor = '"
        + Accounts.RESEARCHER_SUBJECT + "'";
    long refusedBefore = count(refusedByResearcher);

    Api.Reply nul = api().post("api/exports", token, "k-nul", "{\"projectId\":\"p\",\"title\":\"a\\u0000b\"}");
    assertThat(nul.status()).isEqualTo(400);
    assertThat(nul.code()).isEqualTo("malformed-request");
    assertThat(nul.body().path("detail").asText()).contains("U+0000");

    byte[] latin1 = "{\"projectId\":\"p\",\"title\":\"caf\u00e9\"}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Api.Reply notUtf8 = api().postBytes("api/exports", token, "k-latin1", latin1);
    assertThat(notUtf8.status()).isEqualTo(400);
    assertThat(notUtf8.body().path("detail").asText()).contains("not UTF-8");

    byte[] big = ("{\"projectId\":\"p\",\"title\":\"" + "x".repeat(2 << 20) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Api.Reply tooLarge = api().postBytes("api/exports", token, "k-big", big);
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.code()).isEqualTo("request-too-large");

    Api.Reply wrongType = api().post("api/exports", token, "k-type", "{\"projectId\":5,\"title\":[1]}");
    assertThat(wrongType.code()).isEqualTo("malformed-request");

    for (Api.Reply r : List.of(nul, notUtf8, tooLarge, wrongType)) {
      assertThat(r.raw().headers().firstValue("Content-Type")).contains("application/problem+json");
      assertThat(r.raw().body()).doesNotContain("Exception").doesNotContain("\tat ");
    }
    assertThat(count("select count(*) from export_request")).isEqualTo(requests);
    assertThat(count(refusedByResearcher)).isEqualTo(refusedBefore + 4);
  }

  private static long count(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "");
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
