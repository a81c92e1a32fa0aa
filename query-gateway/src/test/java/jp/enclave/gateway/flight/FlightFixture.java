package jp.enclave.gateway.flight;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.crypto.tink.KeysetHandle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import jp.enclave.audit.AuditLog;
import jp.enclave.audit.AuditVerifier;
import jp.enclave.gateway.TestHome;
import jp.enclave.gateway.core.Gateway;
import jp.enclave.gateway.core.GatewayConfig;
import jp.enclave.gateway.token.SessionTokens;
import jp.enclave.gateway.token.TokenVerifier;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.RootAllocator;

/**
 * One project's gateway served over Flight SQL on loopback, with a signing key for session
 * tokens, clients as a researcher's desktop would hold them, and the audit trail to read back.
 */
final class FlightFixture implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  final RootAllocator allocator = new RootAllocator();
  final Path auditFile;
  final Gateway gateway;
  final FlightGatewayServer server;
  final KeysetHandle signing = SessionTokens.newSigningKeyset();
  final FlightClient client;
  final FlightSqlClient sql;
  private boolean closed;

  FlightFixture(String project, GatewayConfig config) {
    try {
      auditFile = Files.createTempDirectory("flight").resolve("audit.jsonl");
      gateway = Gateway.open(TestHome.get(), project, config, AuditLog.open(auditFile, false));
      TokenVerifier verifier = new TokenVerifier(SessionTokens.publicJwkSet(signing), project, Clock.systemUTC());
      server = FlightGatewayServer.start(gateway, verifier, "127.0.0.1", 0, allocator);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.port())).build();
    sql = new FlightSqlClient(client);
  }

  String token(String user, String kind) {
    return token(user, kind, List.of("researcher"), Instant.now().plus(Duration.ofDays(365)));
  }

  String token(String user, String kind, List<String> roles, Instant certifiedUntil) {
    return token(user, gateway.projectId(), kind, roles, certifiedUntil, Duration.ofHours(1));
  }

  /** A token signed with this gateway's trusted key, whatever it claims. */
  String token(String user, String project, String kind, List<String> roles, Instant certifiedUntil, Duration ttl) {
    return SessionTokens.issue(signing, new SessionTokens.Claims(user, project, kind, roles, "org-1",
        "type2", certifiedUntil, "sess-" + user + "-" + kind), Instant.now(), ttl);
  }

  /** A researcher in a remote session whom the policies allow. */
  CredentialCallOption allowed() {
    return bearer(token("alice", "remote"));
  }

  static CredentialCallOption bearer(String token) {
    return new CredentialCallOption(new BearerCredentialWriter(token));
  }

  Connection jdbc(String token) throws SQLException {
    return DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:" + server.port()
        + "/?useEncryption=false&token=" + token);
  }

  static long drain(FlightStream stream) throws Exception {
    long rows = 0;
    try (stream) {
      while (stream.next()) {
        rows += stream.getRoot().getRowCount();
      }
    }
    return rows;
  }

  /** Every entry of the trail so far. */
  List<JsonNode> audit() {
    List<JsonNode> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(auditFile)) {
        if (!line.isBlank()) {
          out.add(JSON.readTree(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The entries of one event whose data satisfy {@code filter}. */
  List<JsonNode> audit(String event, Predicate<JsonNode> filter) {
    return audit().stream().filter(e -> e.path("event").asText().equals(event))
        .map(e -> e.path("data")).filter(filter).toList();
  }

  /** Waits (up to 10 s) until the trail holds an entry of {@code event} matching {@code filter}. */
  JsonNode awaitAudit(String event, Predicate<JsonNode> filter) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      List<JsonNode> found = audit(event, filter);
      if (!found.isEmpty() || System.nanoTime() > deadline) {
        if (found.isEmpty()) {
          throw new AssertionError("no " + event + " entry matching the filter in " + auditFile);
        }
        return found.get(0);
      }
      Thread.sleep(20);
    }
  }

  /** The query ID of the accepted query whose text is exactly {@code sql}. */
  String acceptedId(String sqlText) throws InterruptedException {
    return awaitAudit("query.accepted", d -> d.path("sql").asText().equals(sqlText)).path("queryId").asText();
  }

  @Override
  public void close() throws Exception {
    if (closed) {
      return;
    }
    closed = true;
    client.close();
    server.close();
    gateway.close();
    gateway.audit().close();
    allocator.close();
    if (!AuditVerifier.verify(auditFile).ok()) {
      throw new AssertionError("the audit trail " + auditFile + " does not verify");
    }
  }
}
