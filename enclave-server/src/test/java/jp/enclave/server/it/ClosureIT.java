package jp.enclave.server.it;

import static jp.enclave.server.it.Accounts.RESEARCHER_SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.Pipeline;
import jp.enclave.pseudonymizer.project.ExtractExport;
import jp.enclave.pseudonymizer.project.ExtractProvisioner;
import jp.enclave.pseudonymizer.project.ProjectSpec;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.SealedStoreException;
import jp.enclave.sealed.extract.ExtractHome;
import jp.enclave.sealed.extract.SealedExtract;
import org.jboss.arquillian.container.test.api.Deployment;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
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
 * Project end on Payara Micro with the real PostgreSQL, Keycloak, the data holder's CLI and the
 * managed query gateway: a steward closes a provisioned project whose researcher has a session
 * open; the gateway refuses the session's next query, the project's archive is written read-only
 * with a manifest that matches, the holder's {@code delete-project} destroys the extract's keys
 * (a copy of the sealed extract kept aside can no longer be opened), the deletion certificate is in
 * the audit trail and the API; a second close, wrong roles and new sessions are refused and
 * audited. A project whose approved period is over is ended by the server alone.
 */
@ExtendWith(Services.class)
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClosureIT {
  private static final LocalDate TODAY = LocalDate.now(java.time.ZoneId.of("Asia/Tokyo"));
  /** The class's enclave home ({@link Services} makes it afresh): the zone trails found there are archived too. */
  private static final Path DIR = Path.of(System.getProperty("enclave.it.dir", "target/it"), "home", "ClosureIT")
      .toAbsolutePath();
  private static final Path HOLDER = DIR.resolve("holder");
  private static final Path GATEWAY_HOME = DIR.resolve("gateway");
  private static final Path ARCHIVES = DIR.resolve("archive");
  private static final Path BACKUP = DIR.resolve("attacker-copy");
  private static String steward;
  private static String researcher;
  private static String token;
  private static int port;

  @ArquillianResource
  URL base;

  @Deployment(testable = false)
  static WebArchive war() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("enclave.war")));
  }

  /** Read by {@link Services}: this class's holder and gateway zones, managed gateways, the period-over sweep on. */
  static Map<String, String> serverConfig() {
    return Map.of("enclave.gateways.jar", System.getProperty("enclave.gateway.jar"),
        "enclave.gateways.home", GATEWAY_HOME.toString(),
        "enclave.gateways.stop-grace-seconds", "3",
        "enclave.gateways.java-options", "-Xmx512m",
        "enclave.gateways.options", "--memory-limit 512MB --max-workers 1 --timeout-seconds 120",
        "enclave.holder.home", HOLDER.toString(),
        "enclave.closure.archive-dir", ARCHIVES.toString(),
        "enclave.closure.end-lapsed-projects", "true");
  }

  private Api api() {
    return new Api(base);
  }

  private static String key() {
    return java.util.UUID.randomUUID().toString();
  }

  private static void provision(String project) throws Exception {
    HolderHome holder = new HolderHome(HOLDER);
    if (!Files.exists(holder.store())) {
      SyntheticSource.generate(new SyntheticSource.Config(20261203, 300, 0), holder.source());
      Pipeline.run(holder, 0.5);
    }
    ExtractProvisioner.provision(holder, new ProjectSpec(project, "closure IT " + project,
        new ProjectSpec.Approval("approved", "it", LocalDate.now()), Map.of("patient", List.of("*")),
        new ProjectSpec.Cohort(List.of(), null, null, null), null));
    ExtractExport.export(holder, project, GATEWAY_HOME, null);
    // What an attacker (or a forgotten backup) keeps: the gateway zone's sealed extract and manifest.
    Path copy = Files.createDirectories(BACKUP.resolve(project));
    ExtractHome zone = new ExtractHome(GATEWAY_HOME);
    Files.copy(SealedExtract.sealedPath(zone.extracts(), project), SealedExtract.sealedPath(copy, project));
    Files.copy(SealedExtract.manifestPath(zone.extracts(), project), SealedExtract.manifestPath(copy, project));
  }

  @Test
  @Order(1)
  void aProvisionedProjectWithAnOpenSessionAndOneWhosePeriodIsOver() throws Exception {
    provision("p-end");
    provision("p-over");
    steward = Accounts.accessToken(Accounts.STEWARD);
    researcher = Accounts.accessToken(Accounts.RESEARCHER);
    assertThat(api().post("api/registry/organisations", steward, key(), """
        {"id":"org-e","name":"End University","certificationType":"type2","certificationNumber":"II-2026-15",
         "certifiedFrom":"%s","certifiedUntil":"%s"}""".formatted(TODAY.minusYears(1), TODAY.plusYears(1))).status())
        .isEqualTo(201);
    assertThat(api().post("api/registry/users", steward, key(), """
        {"subject":"%s","name":"End Researcher","organisationId":"org-e"}""".formatted(RESEARCHER_SUBJECT)).status())
        .isEqualTo(201);
    assertThat(api().post("api/registry/users/" + RESEARCHER_SUBJECT + "/trainings", steward, key(), """
        {"course":"handling 2026","completedOn":"%s","expiresOn":"%s"}""".formatted(TODAY.minusDays(3), TODAY.plusYears(1)))
        .status()).isEqualTo(201);
    assertThat(register("p-end", TODAY.minusDays(30), TODAY.plusDays(100)).status()).isEqualTo(201);

    Api.Reply booked = api().post("api/sessions", researcher, key(), "{\"projectId\":\"p-end\"}");
    assertThat(booked.status()).as(booked.body().toString()).isEqualTo(201);
    Api.Reply opened = api().post("api/sessions/" + booked.body().path("id").asText() + "/open", researcher, key(), null);
    assertThat(opened.status()).as(opened.body().toString()).isEqualTo(200);
    token = opened.body().path("token").asText();
    String gw = opened.body().path("gateway").asText();
    port = Integer.parseInt(gw.substring(gw.lastIndexOf(':') + 1));
    assertThat(count(port, token)).isPositive();
  }

  private Api.Reply register(String id, LocalDate from, LocalDate until) throws Exception {
    return api().post("api/registry/projects", steward, key(), """
        {"version":0,"id":"%s","title":"End %s","organisationId":"org-e","decisionNumber":"IRB-15","purpose":"end test",
         "dataScope":"{\\"projectId\\":\\"%s\\",\\"tables\\":{\\"patient\\":[\\"*\\"]}}",
         "approvedFrom":"%s","approvedUntil":"%s","members":{"%s":"LEAD"}}"""
        .formatted(id, id, id, from, until, RESEARCHER_SUBJECT));
  }

  @Test
  @Order(2)
  void wrongRolesAndBadInputAreRefusedAuditedAndChangeNothing() throws Exception {
    long denied = serverAudit("access.denied", "registry");
    for (String user : List.of(Accounts.RESEARCHER, Accounts.AUDITOR)) {
      Api.Reply r = api().post("api/closures/projects/p-end", Accounts.accessToken(user), key(),
          "{\"cause\":\"closed\",\"reason\":\"not mine to end\"}");
      assertThat(r.status()).as(user).isEqualTo(403);
      assertThat(r.code()).isEqualTo("not-permitted");
    }
    assertThat(serverAudit("access.denied", "registry")).isEqualTo(denied + 2);
    Api.Reply bad = api().post("api/closures/projects/p-end", steward, key(), "{\"cause\":\"finished\",\"reason\":\" \"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.code()).isEqualTo("invalid-closure");
    assertThat(bad.body().path("errors").toString()).contains("cause: 'finished'", "reason: say why");
    Api.Reply none = api().post("api/closures/projects/p-none", steward, key(), "{\"cause\":\"closed\",\"reason\":\"x\"}");
    assertThat(none.status()).isEqualTo(404);
    assertThat(sql("select count(*) from project_closure")).isZero();
    assertThat(api().get("api/closures", researcher).status()).isEqualTo(403);
    assertThat(count(port, token)).as("the session still works").isPositive();
  }

  @Test
  @Order(3)
  void theStewardEndsTheProjectAndTheGatewayRefusesTheOpenSessionAtOnce() throws Exception {
    Api.Reply closed = api().post("api/closures/projects/p-end", steward, key(),
        "{\"cause\":\"closed\",\"reason\":\"study finished early (committee decision IRB-15-END)\"}");
    long t0 = System.nanoTime();
    assertThat(closed.status()).as(closed.body().toString()).isEqualTo(202);
    assertThat(closed.body().path("sessionsEnded").asInt()).isEqualTo(1);
    assertThat(closed.body().path("state").asText()).isIn("ending", "archived", "shredding", "ended");
    awaitTrue(() -> {
      try {
        count(port, token);
        return false;
      } catch (SQLException e) {
        return messages(e).contains("GW-SESSION-ENDED");
      }
    }, Duration.ofSeconds(10));
    System.out.printf("project end to the open session's query refused: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    assertThat(serverAudit("session.revoked", null)).isEqualTo(1);

    Api.Reply again = api().post("api/closures/projects/p-end", steward, key(),
        "{\"cause\":\"approval-withdrawn\",\"reason\":\"twice\"}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.code()).isEqualTo("project-already-ended");
    assertThat(serverAudit("project.end-refused", "project/p-end")).isEqualTo(1);

    Api.Reply book = api().post("api/sessions", researcher, key(), "{\"projectId\":\"p-end\"}");
    assertThat(book.status()).isEqualTo(403);
    assertThat(book.code()).isEqualTo("project-ended");
    assertThat(serverAuditLike("access.denied", "project/p-end", "project-ended")).isEqualTo(1);
    Api.Reply provision = api().post("api/provisioning/projects/p-end", steward, key(), null);
    assertThat(provision.status()).isEqualTo(403);
    assertThat(provision.code()).isEqualTo("project-ended");
    // Nothing new can leave an ended project either: its extract is being erased.
    Api.Reply export = api().post("api/exports", researcher, key(), "{\"projectId\":\"p-end\",\"title\":\"after the end\"}");
    assertThat(export.status()).isEqualTo(403);
    assertThat(export.code()).isEqualTo("project-ended");
    assertThat(serverAuditLike("access.denied", "project/p-end", "project-ended")).isEqualTo(3);
  }

  @Test
  @Order(4)
  void theArchiveIsWrittenReadOnlyTheKeysAreDestroyedAndTheCertificateIsAudited() throws Exception {
    long t0 = System.nanoTime();
    JsonNode c = awaitEnded("p-end", Duration.ofMinutes(5));
    System.out.printf("project end request to certificate: within %.1f s of the refusal%n", (System.nanoTime() - t0) / 1e9);
    assertThat(c.path("cause").asText()).isEqualTo("closed");
    assertThat(c.path("requestedBy").asText()).isNotEmpty();

    // The archive: every file as its manifest says, the archive's hash is the manifest's, all read-only.
    Path dir = Path.of(c.path("archive").path("path").asText());
    assertThat(dir).startsWith(ARCHIVES);
    byte[] manifestBytes = Files.readAllBytes(dir.resolve("manifest.json"));
    assertThat(sha256(manifestBytes)).isEqualTo(c.path("archive").path("sha256").asText());
    JsonNode manifest = Api.JSON.readTree(manifestBytes);
    List<String> names = new ArrayList<>();
    for (JsonNode f : manifest.path("files")) {
      Path file = dir.resolve(f.path("name").asText());
      assertThat(sha256(Files.readAllBytes(file))).as(f.toString()).isEqualTo(f.path("sha256").asText());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("r--r--r--");
      names.add(f.path("name").asText());
    }
    assertThat(names).contains("project.json", "members.csv", "sessions.csv", "exports.csv", "releases.csv",
        "reidentifications.csv", "provisioning.csv", "audit-server.jsonl", "audit-zones.jsonl");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("r-xr-xr-x");
    assertThat(Files.readString(dir.resolve("SHA256SUMS"))).contains(sha256(manifestBytes) + "  manifest.json");
    assertThat(Files.readString(dir.resolve("sessions.csv"))).contains(RESEARCHER_SUBJECT, "REVOKED",
        "study finished early");
    assertThat(Files.readString(dir.resolve("audit-server.jsonl"))).contains("\"session.opened\"",
        "\"project.end-requested\"");
    assertThat(Files.readString(dir.resolve("audit-zones.jsonl"))).contains("gateway.opened");
    assertThat(Api.JSON.readTree(Files.readAllBytes(dir.resolve("project.json"))).path("end").path("reason").asText())
        .isEqualTo("study finished early (committee decision IRB-15-END)");

    // The certificate: keys destroyed (the extract's, the project's pseudonym key, the gateway zone's copy).
    JsonNode cert = c.path("certificate");
    assertThat(cert.path("project").asText()).isEqualTo("p-end");
    assertThat(cert.path("archive").path("sha256").asText()).isEqualTo(sha256(manifestBytes));
    assertThat(cert.path("holder").path("status").asText()).isEqualTo("deleted");
    List<String> keys = new ArrayList<>();
    cert.path("holder").path("destroyedKeys").forEach(k -> keys.add(k.path("keyId").asText()));
    assertThat(keys).contains(HolderHome.extractKey("p-end"), HolderHome.projectPrfKey("p-end"));
    assertThat(keys.stream().filter(k -> k.equals(HolderHome.extractKey("p-end")))).hasSize(2);

    // In the audit trail, in the same transaction as the move to ended: the one project.ended row's detail.
    JsonNode ended = auditDetail("project.ended", "project/p-end");
    assertThat(ended).isEqualTo(cert);
    assertThat(sql("select count(*) from project_closure where project_id = 'p-end' and state = 'ENDED'")).isEqualTo(1);
    assertThatThrownBy(() -> sql("update project_closure set reason = 'rewritten' where project_id = 'p-end'"))
        .hasMessageContaining("ended and final");

    // The extract can no longer be opened: the copy kept aside, with either zone's vault.
    try (PrivateScratch scratch = PrivateScratch.create("it")) {
      Path copy = SealedExtract.manifestPath(BACKUP.resolve("p-end"), "p-end");
      assertThatThrownBy(() -> SealedExtract.open(copy, "p-end", new ExtractHome(GATEWAY_HOME).vault(), scratch))
          .isInstanceOf(SealedStoreException.class).hasMessageContaining("does not exist");
      assertThatThrownBy(() -> SealedExtract.open(copy, "p-end", new HolderHome(HOLDER).extractVault(), scratch))
          .isInstanceOf(SealedStoreException.class).hasMessageContaining("does not exist");
    }
    assertThat(SealedExtract.manifestPath(new ExtractHome(GATEWAY_HOME).extracts(), "p-end")).doesNotExist();

    // Auditors see it; the chain still verifies.
    String auditor = Accounts.accessToken(Accounts.AUDITOR);
    Api.Reply seen = api().get("api/closures/p-end", auditor);
    assertThat(seen.status()).isEqualTo(200);
    assertThat(seen.body().path("certificate").path("archive").path("sha256").asText()).isEqualTo(sha256(manifestBytes));
    assertThat(api().get("api/audit/verify", auditor).body().path("valid").asBoolean()).isTrue();
    assertThat(serverAudit("project.ended", "project/p-end")).isEqualTo(1);
  }

  @Test
  @Order(5)
  void aProjectWhosePeriodIsOverIsEndedByTheServer() throws Exception {
    assertThat(register("p-over", TODAY.minusDays(60), TODAY.minusDays(1)).status()).isEqualTo(201);
    JsonNode c = awaitEnded("p-over", Duration.ofMinutes(5));
    assertThat(c.path("cause").asText()).isEqualTo("period-over");
    assertThat(c.path("requestedBy").asText()).isEqualTo("system");
    assertThat(c.path("reason").asText()).contains(TODAY.minusDays(1).toString());
    List<String> keys = new ArrayList<>();
    c.path("certificate").path("holder").path("destroyedKeys").forEach(k -> keys.add(k.path("keyId").asText()));
    assertThat(keys).contains(HolderHome.extractKey("p-over"), HolderHome.projectPrfKey("p-over"));
    try (PrivateScratch scratch = PrivateScratch.create("it")) {
      assertThatThrownBy(() -> SealedExtract.open(SealedExtract.manifestPath(BACKUP.resolve("p-over"), "p-over"),
          "p-over", new ExtractHome(GATEWAY_HOME).vault(), scratch)).isInstanceOf(SealedStoreException.class);
    }
    Api.Reply all = api().get("api/closures", steward);
    assertThat(all.body().size()).isEqualTo(2);
  }

  @Test
  @Order(6)
  void aStewardEndsAProjectInThePortalAndTheClosuresPageShowsEachCertificate() throws Exception {
    assertThat(register("p-end-ui", TODAY.minusDays(10), TODAY.plusDays(100)).status()).isEqualTo(201);
    String portal = Api.local(base);
    WebDriver d = Browsers.open("ja");
    try {
      Browsers.signIn(d, portal + "portal/registry.xhtml", Accounts.STEWARD, "closure-01-steward");
      String row = "//table[@id='projects']/tbody/tr[td[1][normalize-space()='p-end-ui']]";
      new Select(d.findElement(By.xpath(row + "//select[contains(@id,':cause')]"))).selectByValue("approval-withdrawn");
      d.findElement(By.xpath(row + "//input[contains(@id,':reason')]")).sendKeys("倫理審査委員会が承認を取り消した");
      Browsers.shot(d, "closure-02-end-form");
      d.findElement(By.xpath(row + "//input[contains(@id,':close')]")).click();
      // The button asks before it ends anything: the end cannot be undone.
      Browsers.await(d, 10).until(ExpectedConditions.alertIsPresent()).accept();
      Browsers.await(d, 60).until(ExpectedConditions.presenceOfElementLocated(By.id("messages")));
      Browsers.shot(d, "closure-03-ended-in-registry");

      JsonNode ended = awaitEnded("p-end-ui", Duration.ofMinutes(2));
      assertThat(ended.path("cause").asText()).isEqualTo("approval-withdrawn");
      assertThat(ended.path("reason").asText()).isEqualTo("倫理審査委員会が承認を取り消した");
      assertThat(ended.path("requestedBy").asText()).isNotEqualTo("system");

      d.get(portal + "portal/closures.xhtml");
      WebElement mine = Browsers.await(d, 60).until(ExpectedConditions.presenceOfElementLocated(By.id("closure-p-end-ui")));
      assertThat(mine.getText()).contains("終了", "倫理審査委員会が承認を取り消した", "削除証明書");
      assertThat(mine.findElement(By.className("archive-sha256")).getText())
          .isEqualTo(ended.path("archive").path("sha256").asText());
      // The provisioned project's certificate names the keys the holder destroyed.
      JsonNode pEnd = api().get("api/closures/p-end", steward).body();
      WebElement provisioned = d.findElement(By.id("closure-p-end"));
      String keys = provisioned.findElement(By.className("keys")).getText();
      assertThat(keys).contains(HolderHome.extractKey("p-end"), HolderHome.projectPrfKey("p-end"));
      assertThat(provisioned.findElement(By.className("archive-sha256")).getText())
          .isEqualTo(pEnd.path("archive").path("sha256").asText());
      Browsers.shot(d, "closure-04-certificates");
    } finally {
      d.quit();
    }
  }

  private JsonNode awaitEnded(String project, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode c = null;
    while (System.nanoTime() < deadline) {
      Api.Reply r = api().get("api/closures/" + project, steward);
      if (r.status() == 200) {
        c = r.body();
        if (c.path("state").asText().equals("ended")) {
          return c;
        }
        assertThat(c.path("state").asText()).as(c.toString()).doesNotEndWith("_failed");
      }
      Thread.sleep(500);
    }
    throw new AssertionError("not ended within " + timeout.toSeconds() + " s: " + c);
  }

  private static long count(int port, String token) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:" + port
        + "/?useEncryption=false&token=" + token); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM patient")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String messages(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c.getMessage()).append(" | ");
    }
    return all.toString();
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @FunctionalInterface
  private interface Check {
    boolean ok() throws Exception;
  }

  private static void awaitTrue(Check check, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout.toSeconds() + " s");
      }
      Thread.sleep(100);
    }
  }

  private static long sql(String query) throws SQLException {
    try (Connection c = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "");
        Statement st = c.createStatement()) {
      if (!query.startsWith("select")) {
        return st.executeUpdate(query);
      }
      try (ResultSet rs = st.executeQuery(query)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long serverAudit(String event, String target) throws SQLException {
    try (Connection c = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "");
        var st = c.prepareStatement("select count(*) from audit_event where event = ? and (? is null or target = ?)")) {
      st.setString(1, event);
      st.setString(2, target);
      st.setString(3, target);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long serverAuditLike(String event, String target, String detail) throws SQLException {
    try (Connection c = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "");
        var st = c.prepareStatement("select count(*) from audit_event where event = ? and target = ? and detail like ?")) {
      st.setString(1, event);
      st.setString(2, target);
      st.setString(3, "%" + detail + "%");
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static JsonNode auditDetail(String event, String target) throws Exception {
    try (Connection c = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "");
        var st = c.prepareStatement("select detail from audit_event where event = ? and target = ?")) {
      st.setString(1, event);
      st.setString(2, target);
      try (ResultSet rs = st.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return Api.JSON.readTree(rs.getString(1));
      }
    }
  }
}
