package jp.enclave.gateway.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.crypto.tink.KeysetHandle;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import jp.enclave.audit.AuditLog;
import jp.enclave.audit.AuditVerifier;
import jp.enclave.gateway.TestHome;
import jp.enclave.gateway.core.Gateway;
import jp.enclave.gateway.flight.FlightGatewayServer;
import jp.enclave.gateway.token.SessionTokens;
import jp.enclave.gateway.token.TokenVerifier;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real gateway (extract, workers, Flight SQL, JDBC driver) following a server played by a JDK
 * HttpServer that serves real documents: the JWK set of a real signing key, the project's facts
 * and its session feed. The enclave server's own side is tested in enclave-server's
 * GatewayLinkIT, with this gateway as a real process.
 */
class ServerFollowerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CREDENTIAL = "gw-credential-" + java.util.UUID.randomUUID();
  private static HttpServer http;
  private static final AtomicReference<KeysetHandle> signing = new AtomicReference<>(SessionTokens.newSigningKeyset());
  private static final Map<String, String> open = new ConcurrentHashMap<>();
  private static final Map<String, String> ended = new ConcurrentHashMap<>();
  private static final AtomicReference<Instant> approvedUntil = new AtomicReference<>(Instant.now().plus(Duration.ofDays(30)));
  private static final AtomicBoolean down = new AtomicBoolean();
  private static final List<String> refusedCredentials = new CopyOnWriteArrayList<>();
  private static final List<String> delivered = new CopyOnWriteArrayList<>();
  private static Path auditFile;
  private static Gateway gateway;
  private static TokenVerifier verifier;
  private static ServerFollower follower;
  private static FlightGatewayServer server;
  private static RootAllocator allocator;

  @BeforeAll
  static void start() throws Exception {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/api/keys/jwks.json", ex -> reply(ex, 200, SessionTokens.publicJwkSet(signing.get())));
    http.createContext("/api/gateway-link/projects/", ServerFollowerTest::gatewayEndpoint);
    http.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    http.start();
    ServerLink link = new ServerLink(base(), TestHome.PROJECT, CREDENTIAL);
    ServerFollower.Initial initial = ServerFollower.bootstrap(link, Duration.ofSeconds(5));
    auditFile = Files.createTempDirectory("follow").resolve("audit.jsonl");
    gateway = Gateway.open(TestHome.get(), TestHome.PROJECT, TestHome.config()
        .withProjectApprovedUntil(initial.facts().approvedUntil()).withFreeTextOnsite(initial.facts().freeTextOnsite()),
        AuditLog.open(auditFile, false));
    verifier = new TokenVerifier(initial.jwks(), TestHome.PROJECT, Clock.systemUTC());
    follower = new ServerFollower(link, gateway, verifier, ServerFollower.Settings.defaults()
        .withStaleAfter(Duration.ofSeconds(3)), delivered::add, Clock.systemUTC());
    follower.start();
    allocator = new RootAllocator();
    server = FlightGatewayServer.start(gateway, verifier, "127.0.0.1", 0, allocator);
  }

  @AfterAll
  static void stop() throws Exception {
    follower.close();
    server.close();
    gateway.close();
    gateway.audit().close();
    allocator.close();
    http.stop(0);
    assertThat(AuditVerifier.verify(auditFile).ok()).isTrue();
  }

  private static URI base() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/");
  }

  private static void gatewayEndpoint(HttpExchange ex) throws IOException {
    if (down.get()) {
      reply(ex, 503, "{}");
      return;
    }
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (!("Bearer " + CREDENTIAL).equals(auth)) {
      refusedCredentials.add(String.valueOf(auth));
      reply(ex, 401, "{\"code\":\"gateway-credential-invalid\"}");
      return;
    }
    String path = ex.getRequestURI().getPath();
    if (path.equals("/api/gateway-link/projects/p1/facts")) {
      reply(ex, 200, JSON.writeValueAsString(Map.of("project", "p1", "approvedUntil", approvedUntil.get().toString(),
          "freeTextOnsite", true)));
    } else if (path.equals("/api/gateway-link/projects/p1/sessions")) {
      List<Map<String, String>> o = new ArrayList<>();
      open.forEach((id, token) -> o.add(Map.of("session", id, "token", token)));
      List<Map<String, String>> e = new ArrayList<>();
      ended.forEach((id, reason) -> e.add(Map.of("session", id, "reason", reason)));
      reply(ex, 200, JSON.writeValueAsString(Map.of("at", Instant.now().toString(), "open", o, "ended", e)));
    } else {
      reply(ex, 404, "{}");
    }
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  private static String token(String user, String sessionId) {
    return SessionTokens.issue(signing.get(), new SessionTokens.Claims(user, "p1", "remote", List.of("researcher"),
        "org-1", "type2", Instant.now().plus(Duration.ofDays(365)), sessionId), Instant.now(), Duration.ofMinutes(15));
  }

  private static Connection jdbc(String token) throws Exception {
    return DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:" + server.port()
        + "/?useEncryption=false&token=" + token);
  }

  private static long count(String token) throws Exception {
    try (Connection c = jdbc(token); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM patient")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<JsonNode> audit(String event) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(auditFile)) {
      JsonNode n = JSON.readTree(line);
      if (n.path("event").asText().equals(event)) {
        out.add(n.path("data"));
      }
    }
    return out;
  }

  @Test
  void aSessionTheServerDoesNotListIsRefusedAndOneItListsIsServedAtOnce() throws Exception {
    String unlisted = token("mallory", "s-unlisted");
    assertThatThrownBy(() -> count(unlisted)).hasMessageContaining("GW-SESSION-ENDED")
        .hasMessageContaining("does not list it as open");
    String t = token("alice", "s-listed");
    open.put("s-listed", t);
    // No wait for the next poll: an unknown session makes the gateway ask the server at once.
    assertThat(count(t)).isEqualTo(TestHome.patients());
    assertThat(gateway.isLive("s-listed")).isTrue();
    Thread.sleep(1500);
    assertThat(delivered).contains(t);
  }

  @Test
  void anEndedSessionIsRefusedWithinSecondsAndItsRunningQueryIsCancelled() throws Exception {
    String t = token("bob", "s-bob");
    open.put("s-bob", t);
    assertThat(count(t)).isEqualTo(TestHome.patients());
    CompletableFuture<Throwable> longQuery = CompletableFuture.supplyAsync(() -> {
      try (Connection c = jdbc(t); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM lab_result a, lab_result b, lab_result c")) {
        rs.next();
        return null;
      } catch (Exception e) {
        return e;
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (audit("query.accepted").stream().noneMatch(d -> d.path("sql").asText().contains("lab_result c"))) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(50);
    }
    Thread.sleep(500);
    open.remove("s-bob");
    ended.put("s-bob", "revoked by steward: test");
    long t0 = System.nanoTime();
    Throwable refused = null;
    while (refused == null) {
      try {
        count(t);
        Thread.sleep(50);
      } catch (Exception e) {
        refused = e;
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    // A revocation that lands between a probe's execute and close is refused on close (the JDBC
    // driver wraps it: "While closing statement"): read the whole cause chain.
    StringBuilder chain = new StringBuilder();
    for (Throwable c = refused; c != null; c = c.getCause()) {
      chain.append(c.getMessage()).append('\n');
    }
    assertThat(chain.toString()).contains("GW-SESSION-ENDED").contains("revoked by steward");
    assertThat(seconds).isLessThan(3.0);
    assertThat(longQuery.get(20, TimeUnit.SECONDS)).isNotNull().hasMessageContaining("GW-SESSION-ENDED");
    assertThat(gateway.isLive("s-bob")).isFalse();
    long finishedDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (audit("query.finished").stream().noneMatch(d -> d.path("session").asText().equals("s-bob")
        && d.path("outcome").asText().equals("cancelled"))) {
      assertThat(System.nanoTime()).isLessThan(finishedDeadline);
      Thread.sleep(50);
    }
    JsonNode endedEntry = audit("session.ended").stream().filter(d -> d.path("session").asText().equals("s-bob"))
        .findFirst().orElseThrow();
    assertThat(endedEntry.path("reason").asText()).isEqualTo("revoked by steward: test");
    // The long join is cancelled; so is a probe of the loop above if one was running at that moment.
    String longId = audit("query.accepted").stream().filter(d -> d.path("sql").asText().contains("lab_result c"))
        .findFirst().orElseThrow().path("queryId").asText();
    List<String> cancelled = new java.util.ArrayList<>();
    endedEntry.path("cancelledQueries").forEach(q -> cancelled.add(q.asText()));
    assertThat(cancelled).contains(longId).hasSizeBetween(1, 2);
    List<String> bobs = audit("query.accepted").stream().filter(d -> d.path("session").asText().equals("s-bob"))
        .map(d -> d.path("queryId").asText()).toList();
    assertThat(bobs).containsAll(cancelled);
    assertThat(audit("query.finished").stream().filter(d -> d.path("session").asText().equals("s-bob")
        && d.path("outcome").asText().equals("cancelled")).findFirst().orElseThrow().path("code").asText())
        .isEqualTo("GW-SESSION-ENDED");
    // Listed as open again (a stale or replayed feed): an ended session stays ended.
    open.put("s-bob", t);
    Thread.sleep(1500);
    assertThatThrownBy(() -> count(t)).hasMessageContaining("GW-SESSION-ENDED");
    open.remove("s-bob");
  }

  @Test
  void aSessionMissingFromTheFeedEndsEvenWithoutAReason() throws Exception {
    String t = token("carol", "s-carol");
    open.put("s-carol", t);
    assertThat(count(t)).isEqualTo(TestHome.patients());
    open.remove("s-carol");
    Thread.sleep(2500);
    assertThatThrownBy(() -> count(t)).hasMessageContaining("GW-SESSION-ENDED")
        .hasMessageContaining("no longer open at the enclave server");
  }

  @Test
  void aRotatedKeyIsFetchedWhenATokenNamesItAndAForeignKeyStaysRefused() throws Exception {
    KeysetHandle old = signing.get();
    signing.set(SessionTokens.newSigningKeyset());
    String t = token("dave", "s-dave");
    open.put("s-dave", t);
    assertThat(count(t)).isEqualTo(TestHome.patients());
    assertThat(audit("server.keys-updated")).isNotEmpty();
    // A token signed by a key the server never published: refused, and the refresh is rate limited.
    KeysetHandle foreign = SessionTokens.newSigningKeyset();
    String forged = SessionTokens.issue(foreign, new SessionTokens.Claims("eve", "p1", "remote", List.of("researcher"),
        "org-1", "type2", Instant.now().plus(Duration.ofDays(365)), "s-dave"), Instant.now(), Duration.ofMinutes(15));
    assertThatThrownBy(() -> count(forged)).hasMessageContaining("GW-TOKEN-INVALID");
    assertThat(old).isNotNull();
  }

  @Test
  void withoutTheServerTheGatewayServesForItsGraceThenRefusesUntilItAnswers() throws Exception {
    String t = token("erin", "s-erin");
    open.put("s-erin", t);
    assertThat(count(t)).isEqualTo(TestHome.patients());
    down.set(true);
    try {
      assertThat(count(t)).isEqualTo(TestHome.patients());
      Thread.sleep(4000);
      assertThatThrownBy(() -> count(t)).hasMessageContaining("GW-SERVER-UNREACHABLE");
      assertThat(audit("server.unreachable")).isNotEmpty();
    } finally {
      down.set(false);
    }
    Thread.sleep(1500);
    assertThat(count(t)).isEqualTo(TestHome.patients());
    assertThat(audit("server.reachable")).isNotEmpty();
  }

  @Test
  void newFactsFromTheServerDecideTheNextQuery() throws Exception {
    String t = token("frank", "s-frank");
    open.put("s-frank", t);
    assertThat(count(t)).isEqualTo(TestHome.patients());
    Instant before = approvedUntil.get();
    approvedUntil.set(Instant.now().minus(Duration.ofDays(1)));
    try {
      assertThat(follower.refreshFacts()).isTrue();
      assertThatThrownBy(() -> count(t)).hasMessageContaining("GW-POLICY-DENIED");
      assertThat(audit("project.facts")).isNotEmpty();
    } finally {
      approvedUntil.set(before);
      follower.refreshFacts();
    }
    assertThat(count(t)).isEqualTo(TestHome.patients());
  }

  @Test
  void aWrongCredentialIsRefusedByTheServerAndHttpBeyondLoopbackIsNotSpoken() {
    ServerLink wrong = new ServerLink(base(), "p1", "not-the-credential");
    assertThatThrownBy(wrong::sessions).isInstanceOf(ServerLink.Refused.class).hasMessageContaining("401");
    assertThat(refusedCredentials).contains("Bearer not-the-credential");
    assertThatThrownBy(() -> ServerFollower.bootstrap(wrong, Duration.ofSeconds(5)))
        .isInstanceOf(ServerLink.Refused.class);
    assertThatThrownBy(() -> new ServerLink(URI.create("http://example.org/"), "p1", "x"))
        .hasMessageContaining("https, or http on loopback");
  }
}
