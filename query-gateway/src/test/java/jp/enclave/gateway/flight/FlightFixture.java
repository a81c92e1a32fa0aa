package jp.enclave.gateway.flight;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import jp.enclave.gateway.GatewayFixture;
import jp.enclave.gateway.core.GatewayConfig;
import jp.enclave.gateway.token.SessionTokens;
import jp.enclave.gateway.token.TokenVerifier;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;

/**
 * One project's gateway ({@link GatewayFixture}: extract, audit trail, signing key) served over
 * Flight SQL on loopback, with clients as a researcher's desktop would hold them.
 */
final class FlightFixture extends GatewayFixture {
  final FlightGatewayServer server;
  final FlightClient client;
  final FlightSqlClient sql;

  FlightFixture(String project, GatewayConfig config) {
    super("flight", project, config, Duration.ofSeconds(10));
    try {
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

  /** The query ID of the accepted query whose text is exactly {@code sql}. */
  String acceptedId(String sqlText) throws InterruptedException {
    return awaitAudit("query.accepted", d -> d.path("sql").asText().equals(sqlText)).path("queryId").asText();
  }

  private boolean closed;

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      client.close();
      server.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while closing the Flight client and server", e);
    } finally {
      super.close();
    }
  }
}
