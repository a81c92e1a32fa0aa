package jp.enclave.server.it;

import static jp.enclave.server.it.Accounts.RESEARCHER_SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jp.enclave.gateway.token.SessionTokens;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.Pipeline;
import jp.enclave.pseudonymizer.project.ExtractExport;
import jp.enclave.pseudonymizer.project.ExtractProvisioner;
import jp.enclave.pseudonymizer.project.ProjectSpec;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import jp.enclave.sealed.extract.SealedExtract;
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
 * The server and its managed gateways, all real: Payara Micro with PostgreSQL and Keycloak; the
 * query gateway as its own process (the shaded CLI jar) over an extract the data holder's pipeline
 * provisioned and exported to the gateway zone's home. A researcher's session starts the gateway,
 * queries go through the Flight SQL JDBC driver with the token the API gave, a revocation stops
 * the next query within seconds and cancels a running one, a killed gateway is restarted, the
 * last session's end stops it, and foreign tokens and credentials are refused and audited.
 */
@ExtendWith(Services.class)
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayLinkIT {
  private static final LocalDate TODAY = LocalDate.now(java.time.ZoneId.of("Asia/Tokyo"));
  private static final Path DIR = Path.of(System.getProperty("enclave.it.dir", "target/it"), "link-" + java.util.UUID.randomUUID());
  private static final Path HOLDER = DIR.resolve("holder");
  private static final Path GATEWAY_HOME = DIR.resolve("gateway");
  private static final Duration REVOCATION_BOUND = Duration.ofSeconds(5);
  private static String steward;
  private static String researcher;
  private static long patients;
  private static String session;
  private static JsonNode lastPostgres;
  private static JsonNode sessionPostgres;
  private static Connection pgOpen;
  private static String token;
  private static int port;

  @ArquillianResource
  URL base;

  @Deployment(testable = false)
  static WebArchive war() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("enclave.war")));
  }

  /** Read by {@link Services}: this class's Payara manages gateways from the real CLI jar. */
  static Map<String, String> serverConfig() {
    return Map.of("enclave.gateways.jar", System.getProperty("enclave.gateway.jar"),
        "enclave.gateways.home", GATEWAY_HOME.toAbsolutePath().toString(),
        "enclave.gateways.stop-grace-seconds", "3",
        "enclave.gateways.java-options", "-Xmx512m",
        "enclave.gateways.options", "--memory-limit 512MB --max-workers 1 --timeout-seconds 120");
  }

  private Api api() throws Exception {
    return Api.ofDeployment(base);
  }

  private static String key() {
    return java.util.UUID.randomUUID().toString();
  }

  @Test
  @Order(1)
  void theStewardRegistersTwoProjectsWhoseExtractsTheHolderExportsToTheGatewayZone() throws Exception {
    patients = provision("p-link", List.of());
    provision("p-other", List.of("I10"));
    steward = Accounts.accessToken(Accounts.STEWARD);
    researcher = Accounts.accessToken(Accounts.RESEARCHER);
    assertThat(api().post("api/registry/organisations", steward, key(), """
        {"id":"org-l","name":"Link University","certificationType":"type2","certificationNumber":"II-2026-9",
         "certifiedFrom":"%s","certifiedUntil":"%s"}""".formatted(TODAY.minusYears(1), TODAY.plusYears(1))).status())
        .isEqualTo(201);
    assertThat(api().post("api/registry/users", steward, key(), """
        {"subject":"%s","name":"Link Researcher","organisationId":"org-l"}""".formatted(RESEARCHER_SUBJECT)).status())
        .isEqualTo(201);
    assertThat(api().post("api/registry/users/" + RESEARCHER_SUBJECT + "/trainings", steward, key(), """
        {"course":"handling 2026","completedOn":"%s","expiresOn":"%s"}""".formatted(TODAY.minusDays(3), TODAY.plusYears(1)))
        .status()).isEqualTo(201);
    for (String p : List.of("p-link", "p-other")) {
      Api.Reply r = api().post("api/registry/projects", steward, key(), """
          {"version":0,"id":"%s","title":"Link","organisationId":"org-l","decisionNumber":"IRB-9","purpose":"link test",
           "dataScope":"{\\"projectId\\":\\"%s\\",\\"tables\\":{\\"patient\\":[\\"*\\"]}}",
           "approvedFrom":"%s","approvedUntil":"%s","members":{"%s":"LEAD"}}"""
          .formatted(p, p, TODAY.minusDays(10), TODAY.plusDays(100), RESEARCHER_SUBJECT));
      assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
    }
    Api.Reply ready = api().get("../health/ready", null);
    assertThat(ready.body().toString()).contains("\"gateways\"");
  }

  private static long provision(String project, List<String> icd10) throws Exception {
    HolderHome holder = new HolderHome(HOLDER);
    if (!Files.exists(holder.store())) {
      SyntheticSource.generate(new SyntheticSource.Config(20240401, 300, 0), holder.source());
      Pipeline.run(holder, 0.5);
    }
    Map<String, List<String>> tables = new java.util.LinkedHashMap<>();
    for (String t : List.of("patient", "diagnosis", "lab_result")) {
      tables.put(t, List.of("*"));
    }
    ExtractProvisioner.provision(holder, new ProjectSpec(project, "link IT " + project,
        new ProjectSpec.Approval("approved", "it", LocalDate.now()), tables, new ProjectSpec.Cohort(icd10, null, null, null),
        null));
    ExtractExport.export(holder, project, GATEWAY_HOME, null);
    return SealedExtract.readManifest(SealedExtract.manifestPath(holder.extracts(), project)).manifest()
        .table("patient").orElseThrow().rowCount();
  }

  private String[] open(String project) throws Exception {
    Api.Reply booked = api().post("api/sessions", researcher, key(), "{\"projectId\":\"" + project + "\"}");
    assertThat(booked.status()).as(booked.body().toString()).isEqualTo(201);
    String id = booked.body().path("id").asText();
    Api.Reply opened = api().post("api/sessions/" + id + "/open", researcher, key(), null);
    assertThat(opened.status()).as(opened.body().toString()).isEqualTo(200);
    lastPostgres = opened.body().path("postgres");
    return new String[] {id, opened.body().path("token").asText(), opened.body().path("gateway").asText(),
        opened.body().path("jdbcUrl").asText()};
  }

  /** The opened session's PostgreSQL access (user = session id, the session's password), through pgjdbc. */
  private static Connection postgres(JsonNode pg) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://" + pg.path("host").asText() + ":" + pg.path("port").asInt()
        + "/" + pg.path("database").asText() + "?sslmode=disable", pg.path("user").asText(), pg.path("password").asText());
  }

  private static long pgCount(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM patient")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Connection jdbc(int port, String token) throws SQLException {
    return DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:" + port + "/?useEncryption=false&token=" + token);
  }

  private static String messages(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c.getMessage()).append(" | ");
    }
    return all.toString();
  }

  private static long count(int port, String token) throws SQLException {
    try (Connection c = jdbc(port, token); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM patient")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  @Order(2)
  void openingTheFirstSessionStartsTheProjectsGatewayAndItsJdbcUrlAnswersAtOnce() throws Exception {
    long t0 = System.nanoTime();
    String[] s = open("p-link");
    session = s[0];
    token = s[1];
    port = Integer.parseInt(s[2].substring(s[2].lastIndexOf(':') + 1));
    assertThat(s[2]).startsWith("127.0.0.1:");
    assertThat(port).isNotEqualTo(47470);
    try (Connection c = DriverManager.getConnection(s[3]); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM patient")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(patients);
    }
    System.out.printf("session open to first query answered (gateway start included): %.1f s%n", (System.nanoTime() - t0) / 1e9);
    // The same session over PostgreSQL (the managed gateway's second front end), with the
    // session's own password: the gateway learnt the session from the server's feed.
    sessionPostgres = lastPostgres;
    assertThat(sessionPostgres.path("user").asText()).isEqualTo(session);
    assertThat(sessionPostgres.path("connectionString").asText()).contains("user=" + session, "dbname=p-link");
    awaitTrue(() -> {
      try (Connection c = postgres(sessionPostgres)) {
        return pgCount(c) == patients;
      } catch (SQLException e) {
        return false; // the feed reaches the gateway within a second
      }
    }, Duration.ofSeconds(15));
    pgOpen = postgres(sessionPostgres);
    assertThat(pgCount(pgOpen)).isEqualTo(patients);
    ObjectNode wrong = sessionPostgres.deepCopy();
    wrong.put("password", sessionPostgres.path("password").asText() + "x");
    assertThatThrownBy(() -> postgres(wrong)).isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed")
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
    awaitTrue(() -> serverAudit("gateway.started", "gateway/p-link") == 1, Duration.ofSeconds(10));
    awaitTrue(() -> serverAudit("gateway.ready", "gateway/p-link") == 1, Duration.ofSeconds(10));
    JsonNode ready = api().get("../health/ready", null).body();
    assertThat(ready.toString()).contains("running port " + port);
    assertThat(api().get("../metrics", null).raw().body()).contains("enclave_gateways_running");
    Path credential = GATEWAY_HOME.resolve("server-link/p-link.credential");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credential))).isEqualTo("rw-------");
    assertThat(Files.readString(GATEWAY_HOME.resolve("audit/gateway-p-link.jsonl"))).contains("\"gateway.opened\"");
  }

  @Test
  @Order(3)
  void foreignTokensAndForeignOrMissingGatewayCredentialsAreRefusedAndAudited() throws Exception {
    // A token signed by a key the server never published.
    String forged = SessionTokens.issue(SessionTokens.newSigningKeyset(), new SessionTokens.Claims(RESEARCHER_SUBJECT,
        "p-link", "remote", List.of("researcher"), "org-l", "type2", Instant.now().plus(Duration.ofDays(30)), session),
        Instant.now(), Duration.ofMinutes(10));
    assertThatThrownBy(() -> count(port, forged)).hasMessageContaining("GW-TOKEN-INVALID");
    // A real token for another project: its own gateway runs meanwhile, on another port.
    String[] other = open("p-other");
    assertThat(other[2]).isNotEqualTo("127.0.0.1:" + port);
    assertThatThrownBy(() -> count(port, other[1])).hasMessageContaining("GW-TOKEN-WRONG-PROJECT");
    String gatewayTrail = Files.readString(GATEWAY_HOME.resolve("audit/gateway-p-link.jsonl"));
    assertThat(gatewayTrail).contains("GW-TOKEN-INVALID", "GW-TOKEN-WRONG-PROJECT");

    long refusedBefore = serverAudit("gateway.credential-refused", "gateway/p-link");
    String otherCredential = Files.readString(GATEWAY_HOME.resolve("server-link/p-other.credential")).trim();
    String mine = Files.readString(GATEWAY_HOME.resolve("server-link/p-link.credential")).trim();
    Api.Reply missing = api().get("api/gateway-link/projects/p-link/sessions", null);
    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.code()).isEqualTo("gateway-credential-invalid");
    assertThat(api().get("api/gateway-link/projects/p-link/sessions", otherCredential).code())
        .isEqualTo("gateway-credential-invalid");
    assertThat(api().get("api/gateway-link/projects/p-link/facts", mine + "x").code()).isEqualTo("gateway-credential-invalid");
    assertThat(api().get("api/gateway-link/projects/p-link/sessions", researcher).code())
        .isEqualTo("gateway-credential-invalid");
    assertThat(serverAudit("gateway.credential-refused", "gateway/p-link")).isEqualTo(refusedBefore + 4);
    // The real credential lists the open session with its current token, and nothing of the other project.
    Api.Reply feed = api().get("api/gateway-link/projects/p-link/sessions", mine);
    assertThat(feed.status()).isEqualTo(200);
    assertThat(feed.body().path("open").toString()).contains(session, token).doesNotContain(other[0]);

    assertThat(api().post("api/sessions/" + other[0] + "/end", researcher, key(), "{}").status()).isEqualTo(200);
    awaitTrue(() -> serverAudit("gateway.stopped", "gateway/p-other") == 1, Duration.ofSeconds(30));
  }

  @Test
  @Order(4)
  void aStewardsRevocationRefusesTheNextQueryWithinSecondsAndCancelsTheRunningOne() throws Exception {
    CompletableFuture<Throwable> longQuery = CompletableFuture.supplyAsync(() -> {
      try (Connection c = jdbc(port, token); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM lab_result a, lab_result b, lab_result c, lab_result d")) {
        rs.next();
        return null;
      } catch (Exception e) {
        return e;
      }
    });
    Path trail = GATEWAY_HOME.resolve("audit/gateway-p-link.jsonl");
    awaitTrue(() -> Files.readString(trail).contains("AS \\\"d\\\""), Duration.ofSeconds(30));
    Thread.sleep(1000);
    assertThat(longQuery).isNotDone();
    Api.Reply revoked = api().post("api/sessions/" + session + "/revoke", steward, key(), "{\"reason\":\"link test\"}");
    assertThat(revoked.status()).as(revoked.body().toString()).isEqualTo(200);
    long t0 = System.nanoTime();
    Throwable refused = null;
    while (refused == null) {
      try {
        count(port, token);
      } catch (SQLException e) {
        refused = e;
      }
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(REVOCATION_BOUND.plusSeconds(5));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    System.out.printf("revocation to first refused query: %d ms%n", took.toMillis());
    assertThat(took).isLessThan(REVOCATION_BOUND);
    // The refusal can surface on the statement's close when the revocation lands between execute
    // and close (the Flight driver then wraps it as "While closing statement"): read the whole chain.
    assertThat(messages(refused)).contains("GW-SESSION-ENDED", "link test");
    // Over PostgreSQL too: the open connection's next query is refused, and the password no longer logs in.
    assertThatThrownBy(() -> pgCount(pgOpen)).isInstanceOf(SQLException.class);
    pgOpen.close();
    assertThatThrownBy(() -> postgres(sessionPostgres)).isInstanceOf(SQLException.class);
    assertThat(messages(longQuery.get(30, TimeUnit.SECONDS))).contains("GW-SESSION-ENDED");
    awaitTrue(() -> Files.readString(trail).contains("\"session.ended\""), Duration.ofSeconds(5));
    String ended = Files.readAllLines(trail).stream().filter(l -> l.contains("\"session.ended\"")).findFirst().orElseThrow();
    assertThat(ended).contains(session, "link test").doesNotContain("\"cancelledQueries\":[]");
    awaitTrue(() -> Files.readAllLines(trail).stream().anyMatch(l -> l.contains("\"query.finished\"")
        && l.contains("\"cancelled\"") && l.contains("GW-SESSION-ENDED")), Duration.ofSeconds(10));
  }

  @Test
  @Order(5)
  void aGatewayKilledWithSigkillIsRestartedOnItsPortAndAudited() throws Exception {
    // The revocation ended the project's last session, so its gateway stopped; this opening starts it anew.
    awaitTrue(() -> serverAudit("gateway.stopped", "gateway/p-link") == 1, Duration.ofSeconds(30));
    String[] s = open("p-link");
    session = s[0];
    token = s[1];
    port = Integer.parseInt(s[2].substring(s[2].lastIndexOf(':') + 1));
    assertThat(count(port, token)).isEqualTo(patients);
    long pid = gatewayPid();
    ProcessHandle gateway = ProcessHandle.of(pid).orElseThrow();
    assertThat(gateway.info().commandLine().orElse("")).contains("serve", "p-link");
    gateway.destroyForcibly();
    awaitTrue(() -> serverAudit("gateway.crashed", "gateway/p-link") == 1, Duration.ofSeconds(15));
    awaitTrue(() -> serverAudit("gateway.restarted", "gateway/p-link") == 1, Duration.ofSeconds(15));
    long t0 = System.nanoTime();
    awaitTrue(() -> {
      try {
        return count(port, token) == patients;
      } catch (SQLException e) {
        return false;
      }
    }, Duration.ofSeconds(90));
    System.out.printf("killed gateway answering again after %.1f s%n", (System.nanoTime() - t0) / 1e9);
    assertThat(gatewayPid()).isNotEqualTo(pid);
  }

  @Test
  @Order(6)
  void theLastSessionsEndStopsTheGateway() throws Exception {
    long pid = gatewayPid();
    assertThat(api().post("api/sessions/" + session + "/end", researcher, key(), "{}").status()).isEqualTo(200);
    awaitTrue(() -> serverAudit("gateway.stopped", "gateway/p-link") == 2, Duration.ofSeconds(30));
    awaitTrue(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), Duration.ofSeconds(15));
    assertThatThrownBy(() -> count(port, token)).isInstanceOf(SQLException.class);
    assertThat(api().get("../health/ready", null).body().toString()).doesNotContain("port " + port);
    Api.Reply verified = api().get("api/audit/verify", Accounts.accessToken(Accounts.AUDITOR));
    assertThat(verified.body().path("valid").asBoolean()).as(verified.body().toString()).isTrue();
  }

  private long gatewayPid() throws Exception {
    String health = api().get("../health/ready", null).body().toString();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("running port " + port + " pid (\\d+)").matcher(health);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!m.find()) {
      assertThat(System.nanoTime()).as(health).isLessThan(deadline);
      Thread.sleep(200);
      health = api().get("../health/ready", null).body().toString();
      m = java.util.regex.Pattern.compile("running port " + port + " pid (\\d+)").matcher(health);
    }
    return Long.parseLong(m.group(1));
  }

  interface Check {
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

  private static long serverAudit(String event, String target) throws SQLException {
    try (Connection c = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "");
        var st = c.prepareStatement("select count(*) from audit_event where event = ? and target = ?")) {
      st.setString(1, event);
      st.setString(2, target);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
