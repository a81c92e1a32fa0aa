package jp.enclave.server.it;

import static jp.enclave.server.it.Accounts.RESEARCHER_SUBJECT;
import static jp.enclave.server.it.PortalBrowserIT.await;
import static jp.enclave.server.it.PortalBrowserIT.browser;
import static jp.enclave.server.it.PortalBrowserIT.shot;
import static jp.enclave.server.it.PortalBrowserIT.signIn;
import static jp.enclave.server.it.PortalBrowserIT.submit;
import static jp.enclave.server.it.PortalBrowserIT.type;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import jp.enclave.audit.AuditLog;
import jp.enclave.server.cli.AuditCli;
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
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * Onsite terminals and check-in, every zone's trail searched and verified against witnessed
 * heads, and the security review with alerts, on Payara Micro against the real PostgreSQL and
 * Keycloak; zone trails are written by audit-trail's AuditLog under the server's home, as the
 * gateways and the data holder write them. Attacks: onsite sessions from an unregistered or
 * retired terminal and from another address with the terminal's credential, check-in by
 * non-staff, truncated and rebuilt zone trails, an auditor changing state beyond acknowledging.
 * Then the same in headless Chromium, with screenshots.
 */
@ExtendWith(Services.class)
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnsiteAuditIT {
  private static final LocalDate TODAY = LocalDate.now(ZoneId.of("Asia/Tokyo"));
  private static final String STAFF = "onsite-staff";
  private static final String STAFF_SUBJECT = "a0000000-0000-4000-8000-000000000005";
  private static String steward;
  private static String researcher;
  private static String staff;
  private static String auditor;
  private static String credential;
  private static String visitId;
  private static Path gatewayTrail;
  private static Path holderTrail;

  @ArquillianResource
  URL base;

  /** Read by {@link Services}: the witness schedule every 5 s, thresholds a test's burst crosses. */
  static Map<String, String> serverConfig() {
    return Map.of("enclave.audit.witness-seconds", "5", "enclave.alerts.refused-queries-per-hour", "3",
        "enclave.alerts.failed-logins-per-hour", "3");
  }

  @Deployment(testable = false)
  static WebArchive war() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("enclave.war")));
  }

  private Api api() throws Exception {
    return Api.ofDeployment(base);
  }

  private static String key() {
    return UUID.randomUUID().toString();
  }

  @Test
  @Order(1)
  void aRegisteredResearcherOnAnApprovedProject() throws Exception {
    steward = Accounts.accessToken(Accounts.STEWARD);
    researcher = Accounts.accessToken(Accounts.RESEARCHER);
    staff = Accounts.accessToken(STAFF);
    auditor = Accounts.accessToken(Accounts.AUDITOR);
    assertThat(api().post("api/registry/organisations", steward, key(), """
        {"id":"org-a","name":"Tokyo Medical University","certificationType":"type2","certificationNumber":"II-2026-001",
         "certifiedFrom":"%s","certifiedUntil":"%s"}""".formatted(TODAY.minusYears(1), TODAY.plusYears(1))).status())
        .isEqualTo(201);
    assertThat(api().post("api/registry/users", steward, key(), """
        {"subject":"%s","name":"Demo Researcher","organisationId":"org-a"}""".formatted(RESEARCHER_SUBJECT)).status())
        .isEqualTo(201);
    assertThat(api().post("api/registry/users/" + RESEARCHER_SUBJECT + "/trainings", steward, key(), """
        {"course":"Pseudonymized data 2026","completedOn":"%s","expiresOn":"%s"}"""
        .formatted(TODAY.minusDays(30), TODAY.plusYears(1))).status()).isEqualTo(201);
    Api.Reply p = api().post("api/registry/projects", steward, key(), """
        {"id":"p-onsite","title":"Free-text study","organisationId":"org-a","decisionNumber":"IRB-2026-020",
         "purpose":"notes of diabetes care","dataScope":"{\\"projectId\\":\\"p-onsite\\",\\"tables\\":{\\"patient\\":[\\"*\\"]}}",
         "approvedFrom":"%s","approvedUntil":"%s","members":{"%s":"LEAD"}}"""
        .formatted(TODAY.minusDays(10), TODAY.plusDays(200), RESEARCHER_SUBJECT));
    assertThat(p.status()).as(p.body().toString()).isEqualTo(201);
    // The onsite staff member is a registered user of the creating business (their center comes in the next step).
    assertThat(api().post("api/registry/users", steward, key(), """
        {"subject":"%s","name":"Onsite Staff","organisationId":"org-a"}""".formatted(STAFF_SUBJECT)).status())
        .isEqualTo(201);
  }

  @Test
  @Order(2)
  void onsiteStaffRegisterTerminalsAndNobodyElseCan() throws Exception {
    String t = "{\"id\":\"t-01\",\"centerId\":\"tokyo-1\",\"location\":\"Room 3, seat 1\",\"address\":\"127.0.0.1\"}";
    for (String other : List.of(researcher, auditor, steward)) {
      Api.Reply r = api().post("api/onsite/terminals", other, key(), t);
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.code()).isEqualTo("not-permitted");
    }
    // Staff act only at the onsite center the registry assigns them to: none yet, so nowhere.
    Api.Reply unassigned = api().post("api/onsite/terminals", staff, key(), t);
    assertThat(unassigned.status()).isEqualTo(403);
    assertThat(unassigned.code()).isEqualTo("staff-without-center");
    assertThat(unassigned.body().path("detail").asText()).contains("a data steward sets it");
    // Only a steward assigns the center; a stale version is refused.
    String center = "{\"centerId\":\"tokyo-1\"}";
    assertThat(api().put("api/registry/users/" + STAFF_SUBJECT + "/onsite-center", staff, center).code())
        .isEqualTo("not-permitted");
    assertThat(api().put("api/registry/users/" + STAFF_SUBJECT + "/onsite-center", steward,
        "{\"centerId\":\"tokyo-1\",\"version\":99}").code()).isEqualTo("stale-edit");
    assertThat(api().put("api/registry/users/" + STAFF_SUBJECT + "/onsite-center", steward,
        "{\"centerId\":\"Tokyo 1!\"}").code()).isEqualTo("invalid-onsite-center");
    Api.Reply assigned = api().put("api/registry/users/" + STAFF_SUBJECT + "/onsite-center", steward, center);
    assertThat(assigned.status()).as(assigned.body().toString()).isEqualTo(200);
    assertThat(assigned.body().path("onsiteCenter").asText()).isEqualTo("tokyo-1");
    assertThat(count("select count(*) from person where subject = '" + STAFF_SUBJECT + "' and onsite_center = 'tokyo-1'"))
        .isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'user.onsite-center-assigned'"
        + " and target = 'user/" + STAFF_SUBJECT + "' and detail like '%\"to\":\"tokyo-1\"%'")).isEqualTo(1);
    // Another center's terminal: refused, explained, audited.
    Api.Reply elsewhere = api().post("api/onsite/terminals", staff, key(),
        "{\"id\":\"o-01\",\"centerId\":\"osaka-1\",\"location\":\"Osaka room\",\"address\":\"127.0.0.1\"}");
    assertThat(elsewhere.status()).isEqualTo(403);
    assertThat(elsewhere.code()).isEqualTo("staff-outside-own-center");
    assertThat(elsewhere.body().path("detail").asText()).contains("only at their own onsite center");
    assertThat(count("select count(*) from audit_event where event = 'access.denied' and actor = '" + STAFF_SUBJECT
        + "' and target = 'onsite/osaka-1' and detail like '%staff-outside-own-center%'")).isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'access.denied' and actor = '" + STAFF_SUBJECT
        + "' and detail like '%staff-without-center%'")).isEqualTo(1);
    assertThat(count("select count(*) from onsite_terminal")).isZero();
    Api.Reply ok = api().post("api/onsite/terminals", staff, key(), t);
    assertThat(ok.status()).as(ok.body().toString()).isEqualTo(201);
    credential = ok.body().path("credential").asText();
    assertThat(credential).startsWith("t-01:");
    assertThat(ok.body().path("terminal").has("secretHash")).isFalse();
    assertThat(count("select count(*) from onsite_terminal")).isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'terminal.registered'")).isEqualTo(1);
    assertThat(api().get("api/onsite/terminals", staff).body()).hasSize(1);
    assertThat(api().get("api/onsite/terminals", researcher).code()).isEqualTo("not-permitted");
    // A second terminal, retired: its credential must not open anything.
    Api.Reply t2 = api().post("api/onsite/terminals", staff, key(),
        "{\"id\":\"t-02\",\"centerId\":\"tokyo-1\",\"location\":\"Room 3, seat 2\",\"address\":\"127.0.0.1\"}");
    assertThat(api().post("api/onsite/terminals/t-02/retire", staff, key(), "{\"reason\":\"moved\"}").status())
        .isEqualTo(200);
    retiredCredential = t2.body().path("credential").asText();
  }

  private static String retiredCredential;

  @Test
  @Order(3)
  void aResearcherBooksAVisitAndOnlyOtherStaffCheckItIn() throws Exception {
    Api.Reply v = api().post("api/onsite/visits", researcher, key(),
        "{\"projectId\":\"p-onsite\",\"centerId\":\"tokyo-1\",\"day\":\"%s\"}".formatted(TODAY));
    assertThat(v.status()).as(v.body().toString()).isEqualTo(201);
    visitId = v.body().path("id").asText();
    String in = "{\"terminalId\":\"t-01\",\"identityDocument\":\"driving-licence\"}";
    assertThat(api().post("api/onsite/visits/" + visitId + "/check-in", researcher, key(), in).code())
        .isEqualTo("no-self-check-in");
    assertThat(api().post("api/onsite/visits/" + visitId + "/check-in", auditor, key(), in).code())
        .isEqualTo("not-permitted");
    Api.Reply retired = api().post("api/onsite/visits/" + visitId + "/check-in", staff, key(),
        "{\"terminalId\":\"t-02\",\"identityDocument\":\"driving-licence\"}");
    assertThat(retired.code()).isEqualTo("invalid-check-in");
    assertThat(count("select count(*) from onsite_visit where state = 'CHECKED_IN'")).isZero();
    Api.Reply ok = api().post("api/onsite/visits/" + visitId + "/check-in", staff, key(), in);
    assertThat(ok.status()).as(ok.body().toString()).isEqualTo(200);
    assertThat(ok.body().path("state").asText()).isEqualTo("CHECKED_IN");
    assertThat(ok.body().path("checkedInBy").asText()).isEqualTo(STAFF_SUBJECT);
    assertThat(api().get("api/onsite/visits", staff).body()).hasSize(1);
    assertThat(count("select count(*) from audit_event where event = 'visit.checked-in'"
        + " and detail like '%\"identityDocument\":\"driving-licence\"%'")).isEqualTo(1);
  }

  @Test
  @Order(4)
  void anOnsiteSessionOpensOnlyFromTheRegisteredTerminal() throws Exception {
    String path = "api/onsite/visits/" + visitId + "/session";
    Api.Reply none = api().post(path, researcher, key(), null);
    assertThat(none.status()).isEqualTo(403);
    assertThat(none.code()).isEqualTo("onsite-from-registered-terminal");
    assertThat(api().post(path, researcher, key(), null, Map.of("Enclave-Terminal", "t-99:" + credential.substring(5))).code())
        .as("an unregistered terminal").isEqualTo("onsite-from-registered-terminal");
    assertThat(api().post(path, researcher, key(), null, Map.of("Enclave-Terminal", retiredCredential)).code())
        .as("a retired terminal").isEqualTo("onsite-from-registered-terminal");
    assertThat(api().post(path, researcher, key(), null, Map.of("Enclave-Terminal", "t-01:guessed")).code())
        .as("a guessed secret").isEqualTo("onsite-from-registered-terminal");
    // A remote browser claiming to be the terminal: the right credential, another address (and a
    // forged X-Forwarded-For, ignored: no proxy is trusted).
    String remote = fromAddress("127.0.0.2", path, researcher, Map.of("Enclave-Terminal", credential,
        "X-Forwarded-For", "127.0.0.1"));
    assertThat(remote).startsWith("HTTP/1.1 403").contains("onsite-from-registered-terminal");
    assertThat(count("select count(*) from research_session")).isZero();
    assertThat(count("select count(*) from audit_event where event = 'onsite.terminal-refused'")).isEqualTo(5);
    assertThat(count("select count(*) from audit_event where event = 'onsite.terminal-refused'"
        + " and detail like '%the request comes from 127.0.0.2%'")).isEqualTo(1);

    Api.Reply ok = api().post(path, researcher, key(), null, Map.of("Enclave-Terminal", credential));
    assertThat(ok.status()).as(ok.body().toString()).isEqualTo(200);
    assertThat(ok.body().path("session").path("kind").asText()).isEqualTo("ONSITE");
    assertThat(ok.body().path("token").asText()).isNotBlank();
    String sessionId = ok.body().path("session").path("id").asText();
    // Renewal asks again: from elsewhere it is refused, at the terminal it is granted.
    assertThat(api().post("api/sessions/" + sessionId + "/renew", researcher, key(), null).code())
        .isEqualTo("onsite-from-registered-terminal");
    assertThat(api().post("api/sessions/" + sessionId + "/renew", researcher, key(), null,
        Map.of("Enclave-Terminal", credential)).status()).isEqualTo(200);
    // The same researcher's remote session on the project: not the desk's business.
    String remoteSession = api().post("api/sessions", researcher, key(), "{\"projectId\":\"p-onsite\"}").body().path("id").asText();
    assertThat(api().post("api/sessions/" + remoteSession + "/open", researcher, key(), null).status()).isEqualTo(200);
    // Checked out: the running onsite session ends at once (audited with why, by the staff member),
    // and the terminal no longer admits the visitor for a new one.
    assertThat(api().post("api/onsite/visits/" + visitId + "/check-out", staff, key(), null).status()).isEqualTo(200);
    assertThat(count("select count(*) from research_session where id = '" + sessionId + "' and state = 'ENDED'"
        + " and end_reason = 'checked out at the onsite desk (visit " + visitId + ")'")).isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'session.ended' and target = 'session/" + sessionId
        + "' and actor <> '" + RESEARCHER_SUBJECT + "' and detail like '%checked out at the onsite desk%'")).isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'visit.checked-out' and detail like '%"
        + sessionId + "%'")).isEqualTo(1);
    assertThat(count("select count(*) from research_session where id = '" + remoteSession + "' and state = 'OPEN'")).isEqualTo(1);
    assertThat(api().post("api/sessions/" + sessionId + "/renew", researcher, key(), null,
        Map.of("Enclave-Terminal", credential)).code()).isEqualTo("session-transition-invalid");
    assertThat(api().post(path, researcher, key(), null, Map.of("Enclave-Terminal", credential)).code())
        .isEqualTo("onsite-from-registered-terminal");

    // Retiring the terminal a visitor works at ends their onsite session in the retirement's own
    // transaction: session.ended names the terminal with the staff member as actor, the visit is
    // checked out, and the gateway's feed lists the session as ended (as for a revocation).
    Api.Reply t3 = api().post("api/onsite/terminals", staff, key(),
        "{\"id\":\"t-03\",\"centerId\":\"tokyo-1\",\"location\":\"Room 3, seat 3\",\"address\":\"127.0.0.1\"}");
    assertThat(t3.status()).as(t3.body().toString()).isEqualTo(201);
    String credential3 = t3.body().path("credential").asText();
    String visit3 = api().post("api/onsite/visits", researcher, key(),
        "{\"projectId\":\"p-onsite\",\"centerId\":\"tokyo-1\",\"day\":\"%s\"}".formatted(TODAY)).body().path("id").asText();
    assertThat(api().post("api/onsite/visits/" + visit3 + "/check-in", staff, key(),
        "{\"terminalId\":\"t-03\",\"identityDocument\":\"passport\"}").status()).isEqualTo(200);
    Api.Reply at3 = api().post("api/onsite/visits/" + visit3 + "/session", researcher, key(), null,
        Map.of("Enclave-Terminal", credential3));
    assertThat(at3.status()).as(at3.body().toString()).isEqualTo(200);
    String session3 = at3.body().path("session").path("id").asText();
    Api.Reply retire = api().post("api/onsite/terminals/t-03/retire", staff, key(), "{\"reason\":\"screen broken\"}");
    assertThat(retire.status()).as(retire.body().toString()).isEqualTo(200);
    assertThat(count("select count(*) from research_session where id = '" + session3 + "' and state = 'ENDED'"
        + " and end_reason = 'terminal t-03 retired at the onsite desk: screen broken'")).isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'session.ended' and target = 'session/" + session3
        + "' and actor = '" + STAFF_SUBJECT + "' and detail like '%\"terminal\":\"t-03\"%'")).isEqualTo(1);
    assertThat(count("select count(*) from onsite_visit where id = '" + visit3 + "' and state = 'ENDED'")).isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'terminal.retired' and target = 'terminal/t-03'"
        + " and detail like '%" + session3 + "%' and detail like '%" + visit3 + "%'")).isEqualTo(1);
    // The session.ended row precedes the retirement's in the chain: both were written by the one call.
    assertThat(count("select count(*) from audit_event e, audit_event r where e.event = 'session.ended'"
        + " and e.target = 'session/" + session3 + "' and r.event = 'terminal.retired' and r.target = 'terminal/t-03'"
        + " and e.seq < r.seq")).isEqualTo(1);
    assertThat(count("select count(*) from research_session where id = '" + remoteSession + "' and state = 'OPEN'")).isEqualTo(1);
    assertThat(api().post("api/sessions/" + session3 + "/renew", researcher, key(), null,
        Map.of("Enclave-Terminal", credential3)).code()).isEqualTo("session-transition-invalid");
  }

  /** An HTTP/1.0 POST from a chosen loopback source address (127.0.0.2 is another machine to the server). */
  private String fromAddress(String local, String path, String token, Map<String, String> headers) throws Exception {
    URI u = URI.create(Api.deployed(base) + path);
    try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), u.getPort(), InetAddress.getByName(local), 0)) {
      StringBuilder req = new StringBuilder("POST " + u.getRawPath() + " HTTP/1.0\r\nHost: localhost:" + u.getPort()
          + "\r\nAuthorization: Bearer " + token + "\r\nIdempotency-Key: " + key()
          + "\r\nContent-Type: application/json\r\nContent-Length: 0\r\n");
      headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
      OutputStream out = s.getOutputStream();
      out.write(req.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void write(Path file, String event, int n, String user) {
    try (AuditLog log = AuditLog.open(file, true)) {
      for (int i = 0; i < n; i++) {
        log.append(event, Map.of("user", user, "project", "p-onsite", "session", "s-" + i, "code", "free-text-onsite-only",
            "sql", "SELECT note FROM clinical_note"));
      }
    }
  }

  @Test
  @Order(5)
  void theAuditorSearchesEveryZoneAndTheServerWitnessesTheirHeads() throws Exception {
    gatewayTrail = Services.home().resolve("gateways/p-onsite/audit.jsonl");
    holderTrail = Services.home().resolve("holder/audit.jsonl");
    write(gatewayTrail, "query.accepted", 2, RESEARCHER_SUBJECT);
    write(gatewayTrail, "query.refused", 4, RESEARCHER_SUBJECT);
    try (AuditLog log = AuditLog.open(holderTrail, true)) {
      log.append("provisioning.finished", Map.of("project", "p-onsite", "steward", "steward", "rows", 1200));
    }
    Api.Reply zones = api().get("api/audit/zones", auditor);
    assertThat(zones.body().toString()).contains("server", "gateways/p-onsite", "holder");

    Api.Reply mine = api().get("api/audit/trails?user=" + RESEARCHER_SUBJECT, auditor);
    assertThat(mine.body().findValuesAsText("zone")).contains("server", "gateways/p-onsite");
    Api.Reply refused = api().get("api/audit/trails?event=query.refused&project=p-onsite&from=" + TODAY, auditor);
    assertThat(refused.body()).hasSize(4);
    assertThat(api().get("api/audit/trails?zone=holder", auditor).body()).hasSize(1);
    assertThat(api().get("api/audit/trails?from=" + TODAY.plusDays(1), auditor).body()).isEmpty();
    assertThat(api().get("api/audit/trails?from=yesterday", auditor).code()).isEqualTo("invalid-search");
    assertThat(api().get("api/audit/trails", researcher).code()).isEqualTo("not-permitted");

    // The same from the command line, through the API.
    Path tokenFile = Files.createTempFile("auditor", ".token");
    Files.writeString(tokenFile, auditor);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int rc = AuditCli.run(new String[] {"search", "--server", Api.deployed(base), "--token-file", tokenFile.toString(),
        "--event", "query.refused"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    assertThat(rc).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8).lines()).hasSize(4).allMatch(l -> l.contains("gateways/p-onsite#"));

    assertThat(api().post("api/audit/trails/witness", steward, key(), null).code()).isEqualTo("not-permitted");
    Api.Reply w = api().post("api/audit/trails/witness", auditor, key(), null);
    assertThat(w.status()).as(w.body().toString()).isEqualTo(200);
    assertThat(count("select count(*) from zone_witness where zone = 'gateways/p-onsite' and entries = 6")).isPositive();
    // The schedule (every 5 s) may have witnessed a head while the trail was being written, too.
    assertThat(count("select count(distinct target) from audit_event where event = 'audit.zone-witnessed'")).isEqualTo(2);

    // The server's schedule witnesses on its own (every 5 s here): a longer trail gets a new head.
    write(gatewayTrail, "query.accepted", 2, RESEARCHER_SUBJECT);
    for (int i = 0; i < 30 && count("select count(*) from zone_witness where entries = 8 and witnessed_by = 'system'") == 0; i++) {
      Thread.sleep(1000);
    }
    assertThat(count("select count(*) from zone_witness where entries = 8 and witnessed_by = 'system'")).isEqualTo(1);
    assertThat(api().get("api/audit/trails/verify", auditor).body().path("zones").findValuesAsText("verdict"))
        .containsOnly("INTACT");
  }

  @Test
  @Order(6)
  void aTruncatedOrRebuiltZoneTrailIsReportedWhereItDiverges() throws Exception {
    // Each replaced in one rename, so the server's schedule never sees a half-written file.
    List<String> lines = Files.readAllLines(gatewayTrail);
    Path shorter = gatewayTrail.resolveSibling("shorter.tmp");
    Files.write(shorter, lines.subList(0, 5));
    Files.move(shorter, gatewayTrail, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    // The holder's trail rebuilt from scratch: a valid chain, but not the one witnessed.
    Path rebuilt = holderTrail.resolveSibling("rebuilt.tmp");
    try (AuditLog log = AuditLog.open(rebuilt, true)) {
      log.append("provisioning.finished", Map.of("project", "p-onsite", "steward", "steward", "rows", 900));
    }
    Files.move(rebuilt, holderTrail, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Api.Reply v = api().get("api/audit/trails/verify", auditor);
    assertThat(v.body().path("server").path("valid").asBoolean()).isTrue();
    JsonNode gateway = zone(v.body(), "gateways/p-onsite");
    assertThat(gateway.path("verdict").asText()).isEqualTo("TRUNCATED");
    assertThat(gateway.path("brokenAt").asLong()).isEqualTo(5);
    assertThat(gateway.path("problem").asText()).contains("the trail has 5 entries; 8 were witnessed");
    JsonNode holder = zone(v.body(), "holder");
    assertThat(holder.path("verdict").asText()).isEqualTo("DIVERGED");
    assertThat(holder.path("problem").asText()).contains("diverges at or before entry 0");

    Path tokenFile = Files.createTempFile("auditor", ".token");
    Files.writeString(tokenFile, auditor);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int rc = AuditCli.run(new String[] {"verify", "--server", Api.deployed(base), "--token-file", tokenFile.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    assertThat(rc).isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("gateways/p-onsite\tTRUNCATED", "holder\tDIVERGED");

    // The schedule does not witness a head that contradicts an earlier one; it records the break once.
    for (int i = 0; i < 30 && count("select count(*) from audit_event where event = 'audit.zone-trail-broken'") < 2; i++) {
      Thread.sleep(1000);
    }
    assertThat(count("select count(*) from audit_event where event = 'audit.zone-trail-broken'")).isEqualTo(2);
    assertThat(count("select count(*) from zone_witness where zone = 'gateways/p-onsite' and entries = 5")).isZero();
    try (Connection c = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() ->
          c.createStatement().executeUpdate("delete from zone_witness")).isInstanceOf(SQLException.class)
          .hasMessageContaining("append-only");
    }
  }

  private static JsonNode zone(JsonNode verification, String name) {
    for (JsonNode z : verification.path("zones")) {
      if (z.path("zone").asText().equals(name)) {
        return z;
      }
    }
    throw new AssertionError("no zone " + name + " in " + verification);
  }

  @Test
  @Order(7)
  void burstsOfRefusedQueriesAndFailedLoginsRaiseAlertsAnAuditorAcknowledges() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(Services.issuer() + "/protocol/openid-connect/token"))
          .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(
              "grant_type=password&client_id=enclave-server&client_secret=enclave-server-dev-secret&username=reviewer&password="
                  + URLEncoder.encode("wrong-" + i, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isIn(400, 401);
    }
    Api.Reply view = api().get("api/security", auditor);
    assertThat(view.status()).as(view.body().toString()).isEqualTo(200);
    // JSON-B leaves out a null: no loginProblem means Keycloak's events were read.
    assertThat(view.body().has("loginProblem")).as(view.body().path("loginProblem").asText()).isFalse();
    assertThat(view.body().path("failedByAccount").path("reviewer").asLong()).isGreaterThanOrEqualTo(4);
    // 3: the truncated gateway trail still holds 3 of the 4 refused queries (the alert came from the 4).
    assertThat(view.body().path("refusedByUser").path(RESEARCHER_SUBJECT).asLong()).isEqualTo(3);
    assertThat(view.body().path("changes").findValuesAsText("event")).contains("terminal.registered", "project.registered");
    List<String> rules = view.body().path("alerts").findValuesAsText("rule");
    assertThat(rules).contains("failed-logins", "refused-queries", "zone-trail-broken");
    assertThat(api().get("api/security", steward).code()).isEqualTo("not-permitted");
    String metrics = api().get("../metrics", null).raw().body();
    assertThat(metrics).contains("enclave_security_alerts_open", "enclave_security_alerts_raised_total");

    String alertId = null;
    for (JsonNode a : view.body().path("alerts")) {
      if (a.path("rule").asText().equals("failed-logins")) {
        alertId = a.path("id").asText();
      }
    }
    String ack = "api/security/alerts/" + alertId + "/acknowledge";
    assertThat(api().post(ack, steward, key(), "{\"note\":\"x\"}").code()).isEqualTo("not-permitted");
    Api.Reply acked = api().post(ack, auditor, key(), "{\"note\":\"reviewer mistyped; confirmed by phone\"}");
    assertThat(acked.status()).as(acked.body().toString()).isEqualTo(200);
    assertThat(acked.body().path("acknowledgedBy").asText()).isEqualTo("a0000000-0000-4000-8000-000000000003");
    assertThat(api().post(ack, auditor, key(), "{\"note\":\"again\"}").code()).isEqualTo("alert-already-acknowledged");
    assertThat(count("select count(*) from audit_event where event = 'alert.acknowledged'")).isEqualTo(1);
  }

  @Test
  @Order(8)
  void anAuditorChangesNothingButAcknowledgements() throws Exception {
    long before = count("select count(*) from organisation") + count("select count(*) from onsite_terminal")
        + count("select count(*) from research_session where state = 'OPEN'");
    String sessionId = text("select id from research_session where state = 'OPEN'");
    List<Api.Reply> tries = List.of(
        api().post("api/registry/organisations", auditor, key(), """
            {"id":"org-z","name":"Z","certificationType":"type2","certificationNumber":"1","certifiedFrom":"%s","certifiedUntil":"%s"}"""
            .formatted(TODAY, TODAY.plusDays(1))),
        api().post("api/onsite/terminals", auditor, key(),
            "{\"id\":\"t-09\",\"centerId\":\"tokyo-1\",\"location\":\"x\",\"address\":\"127.0.0.1\"}"),
        api().post("api/onsite/terminals/t-01/retire", auditor, key(), "{\"reason\":\"x\"}"),
        api().post("api/sessions/" + sessionId + "/revoke", auditor, key(), "{\"reason\":\"x\"}"),
        api().post("api/sessions/" + sessionId + "/end", auditor, key(), "{\"reason\":\"x\"}"));
    assertThat(tries).extracting(Api.Reply::code).containsOnly("not-permitted");
    assertThat(count("select count(*) from organisation") + count("select count(*) from onsite_terminal")
        + count("select count(*) from research_session where state = 'OPEN'")).isEqualTo(before);
    assertThat(api().post("api/sessions/" + sessionId + "/end", researcher, key(), "{}").status()).isEqualTo(200);
  }

  @Test
  @Order(9)
  void inTheBrowserStaffCheckAVisitorInTheAuditorSeesTrailsAndAlertsAndSignsOut() throws Exception {
    String base = Api.deployed(this.base);
    // A steward sets the staff member's center on the registry page (the same as the API's assignment).
    WebDriver registry = browser("ja");
    try {
      signIn(registry, base + "portal/registry.xhtml", Accounts.STEWARD, "19-steward");
      new Select(registry.findElement(By.id("center:subject"))).selectByValue(STAFF_SUBJECT);
      type(registry, "center:centerId", "tokyo-1");
      assertThat(registry.findElements(By.cssSelector("label[for='center:centerId']"))).hasSize(1);
      submit(registry, "center:assign", "tokyo-1");
      assertThat(registry.findElement(By.id("users")).getText()).contains("Onsite Staff", "tokyo-1");
      shot(registry, "19-staff-center-set");
    } finally {
      registry.quit();
    }
    WebDriver visitor = browser("ja");
    WebDriver desk = browser("ja");
    WebDriver audit = browser("en");
    try {
      signIn(visitor, base + "portal/visits.xhtml", Accounts.RESEARCHER, "20-visitor");
      type(visitor, "visit:day", TODAY.toString());
      submit(visitor, "visit:book", "p-onsite");
      shot(visitor, "21-visit-booked");
      // The address this browser reaches the server from (127.0.0.1 or ::1): the terminal's registered address.
      visitor.get(base + "terminal.xhtml");
      String address = visitor.findElement(By.id("terminal-address")).getText().trim();

      signIn(desk, base + "portal/onsite.xhtml", STAFF, "22-staff");
      type(desk, "terminal:id", "t-web");
      type(desk, "terminal:center", "tokyo-1");
      type(desk, "terminal:location", "オンサイト室 2 番席");
      type(desk, "terminal:address", address);
      submit(desk, "terminal:register", "t-web");
      String secret = desk.findElement(By.id("secret")).getAttribute("value").trim();
      assertThat(secret).hasSizeGreaterThanOrEqualTo(43);
      shot(desk, "23-terminal-registered");
      desk.get(base + "portal/onsite.xhtml");
      String row = desk.findElements(By.cssSelector("select[id$=':terminal']")).get(0).getAttribute("id")
          .replace(":terminal", "");
      new Select(desk.findElement(By.id(row + ":terminal"))).selectByValue("t-web");
      new Select(desk.findElement(By.id(row + ":document"))).selectByValue("my-number-card");
      submit(desk, row + ":checkin", "t-web");
      assertThat(desk.findElement(By.id("visits:list")).getText()).contains("受付済み");
      shot(desk, "24-visitor-checked-in");

      // The visitor's browser is the terminal: enrolled with the secret staff were shown.
      visitor.get(base + "terminal.xhtml");
      assertThat(visitor.findElement(By.id("terminal-status")).getText()).contains("認識されていません");
      type(visitor, "terminal", "t-web");
      type(visitor, "secret", "wrong-secret");
      visitor.findElement(By.id("enrol-submit")).click();
      await(visitor).until(ExpectedConditions.presenceOfElementLocated(By.id("enrol-refused")));
      type(visitor, "terminal", "t-web");
      type(visitor, "secret", secret);
      visitor.findElement(By.id("enrol-submit")).click();
      await(visitor).until(ExpectedConditions.presenceOfElementLocated(By.id("terminal-id")));
      shot(visitor, "25-terminal-enrolled");
      visitor.get(base + "portal/visits.xhtml");
      visitor.findElements(By.cssSelector("input[id$=':session']")).get(0).click();
      await(visitor).until(ExpectedConditions.presenceOfElementLocated(By.id("jdbc")));
      assertThat(visitor.findElement(By.id("jdbc")).getAttribute("value")).contains("token=");
      shot(visitor, "26-onsite-session-open");
      // The renewal button on the sessions page issues a fresh token (still at the terminal).
      visitor.get(base + "portal/sessions.xhtml");
      visitor.findElements(By.cssSelector("input[id$=':renew']")).get(0).click();
      await(visitor).until(ExpectedConditions.presenceOfElementLocated(By.id("token")));
      assertThat(visitor.findElement(By.id("messages")).getText()).contains("新しいトークン");
      shot(visitor, "27-token-renewed");

      signIn(audit, base + "portal/audit.xhtml", Accounts.AUDITOR, "30-auditor");
      assertThat(audit.findElement(By.id("alert-banner")).getText()).contains("Open security alerts");
      type(audit, "audit:actor", RESEARCHER_SUBJECT);
      audit.findElement(By.id("audit:search")).click();
      await(audit).until(ExpectedConditions.textToBePresentInElementLocated(By.id("audit:entries"), "gateways/p-onsite"));
      assertThat(audit.findElement(By.id("audit:entries")).getText()).contains("server", "query.refused", "visit.booked");
      shot(audit, "31-trails-across-zones");
      audit.findElement(By.id("audit:verify")).click();
      await(audit).until(ExpectedConditions.presenceOfElementLocated(By.id("audit:zones")));
      assertThat(audit.findElement(By.id("audit:zones")).getText())
          .contains("TRUNCATED below a witnessed head", "the trail has 5 entries; 8 were witnessed", "REBUILT");
      shot(audit, "32-truncated-trail-reported");

      audit.get(base + "portal/security.xhtml");
      assertThat(audit.findElement(By.id("alerts:list")).getText()).contains("Refused queries per user per hour");
      shot(audit, "33-security-alerts");
      type(audit, "alerts:note", "burst reviewed with the researcher");
      String ackButton = audit.findElements(By.cssSelector("input[id$=':ack']")).get(0).getAttribute("id");
      submit(audit, ackButton, "acknowledged");
      shot(audit, "34-alert-acknowledged");

      // Signing out ends the Keycloak session: the portal asks for the password again.
      audit.findElement(By.id("logout")).click();
      await(audit).until(ExpectedConditions.not(ExpectedConditions.urlContains("/portal/")));
      audit.get(base + "portal/audit.xhtml");
      await(audit).until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
      assertThat(audit.findElements(By.id("signed-in-as"))).isEmpty();
      shot(audit, "35-signed-out-keycloak-asks-again");
    } finally {
      visitor.quit();
      desk.quit();
      audit.quit();
    }
    assertThat(count("select count(*) from audit_event where event = 'terminal.enrolment-refused'")).isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'terminal.enrolled'")).isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'alert.acknowledged'")).isEqualTo(2);
  }

  private static String text(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "");
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      assertThat(rs.next()).as(sql).isTrue();
      return rs.getString(1);
    }
  }

  private static long count(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "");
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
