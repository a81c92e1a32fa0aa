package jp.enclave.gateway.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.KeysetHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import jp.enclave.gateway.TestHome;
import jp.enclave.gateway.token.SessionTokens;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Standard clients against the real server on loopback: the Flight SQL JDBC driver and FlightSqlClient. */
class FlightGatewayTest {
  private static FlightFixture f;
  private static Path auditFile;
  private static FlightClient client;

  @BeforeAll
  static void start() {
    f = new FlightFixture(TestHome.PROJECT, TestHome.config().withArrowBatchRows(500));
    auditFile = f.auditFile;
    client = f.client;
  }

  @AfterAll
  static void stop() throws Exception {
    f.close();
  }

  static String token(String user, String project, String kind, Duration ttl) {
    return f.token(user, project, kind, List.of("researcher"), Instant.now().plus(Duration.ofDays(365)), ttl);
  }

  static Connection jdbc(String token) throws SQLException {
    return f.jdbc(token);
  }

  static CredentialCallOption bearer(String token) {
    return FlightFixture.bearer(token);
  }

  @Test
  void jdbcDriverRunsQueriesAndSeesRefusalsAsSqlErrors() throws Exception {
    try (Connection c = jdbc(token("alice", "p1", "remote", Duration.ofHours(1))); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT sex, count(*) AS n FROM patient GROUP BY sex ORDER BY sex")) {
        long total = 0;
        while (rs.next()) {
          assertThat(rs.getString("sex")).isIn("F", "M");
          total += rs.getLong("n");
        }
        assertThat(total).isEqualTo(TestHome.patients());
      }
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM read_csv('/etc/passwd')"))
          .isInstanceOf(SQLException.class).hasMessageContaining("GW-TABLE-FUNCTION-NOT-ALLOWED");
      assertThatThrownBy(() -> s.executeQuery("SELECT text FROM clinical_note"))
          .hasMessageContaining("GW-COLUMN-DENIED");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM lab_result WHERE value > 5")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isPositive();
      }
    }
  }

  @Test
  void tokensAreVerifiedAndBoundToTheirProject() {
    assertThatThrownBy(() -> jdbc(token("eve", "p2", "remote", Duration.ofHours(1))).createStatement()
        .executeQuery("SELECT 1")).hasMessageContaining("GW-TOKEN-WRONG-PROJECT");
    assertThatThrownBy(() -> jdbc(token("eve", "p1", "remote", Duration.ofSeconds(-120))).createStatement()
        .executeQuery("SELECT 1")).hasMessageContaining("GW-TOKEN-INVALID");
    KeysetHandle other = SessionTokens.newSigningKeyset();
    String forged = SessionTokens.issue(other, new SessionTokens.Claims("eve", "p1", "onsite", List.of("researcher"),
        "org-1", "type2", Instant.now().plusSeconds(9999), "x"), Instant.now(), Duration.ofHours(1));
    FlightSqlClient sql = new FlightSqlClient(client);
    assertThatThrownBy(() -> sql.execute("SELECT 1", bearer(forged)))
        .isInstanceOfSatisfying(FlightRuntimeException.class, e -> assertThat(e.status().code()).isEqualTo(CallStatus.UNAUTHENTICATED.code()));
    assertThatThrownBy(() -> sql.execute("SELECT 1"))
        .isInstanceOfSatisfying(FlightRuntimeException.class, e -> assertThat(e.status().code()).isEqualTo(CallStatus.UNAUTHENTICATED.code()));
  }

  @Test
  void ticketsAreSingleUseBoundToTheirSessionAndUnknownOnesAreNotFound() throws Exception {
    FlightSqlClient sql = new FlightSqlClient(client);
    CredentialCallOption alice = bearer(token("alice", "p1", "remote", Duration.ofHours(1)));
    CredentialCallOption bob = bearer(token("bob", "p1", "remote", Duration.ofHours(1)));
    FlightInfo info = sql.execute("SELECT person_id FROM patient ORDER BY person_id", alice);
    Ticket ticket = info.getEndpoints().get(0).getTicket();
    assertThat(info.getSchema().getFields()).hasSize(1);
    assertThatThrownBy(() -> drain(sql.getStream(ticket, bob)))
        .isInstanceOfSatisfying(FlightRuntimeException.class, e -> assertThat(e.status().code()).isEqualTo(CallStatus.NOT_FOUND.code()));
    assertThat(drain(sql.getStream(ticket, alice))).isEqualTo(TestHome.patients());
    assertThatThrownBy(() -> drain(sql.getStream(ticket, alice)))
        .isInstanceOfSatisfying(FlightRuntimeException.class, e -> assertThat(e.status().code()).isEqualTo(CallStatus.NOT_FOUND.code()));
    Ticket garbage = new Ticket("not a ticket".getBytes());
    assertThatThrownBy(() -> drain(sql.getStream(garbage, alice))).isInstanceOf(FlightRuntimeException.class);
  }

  @Test
  void clientCancellingMidStreamStopsTheQueryAndOthersAreStillServed() throws Exception {
    FlightSqlClient sql = new FlightSqlClient(client);
    CredentialCallOption alice = bearer(token("alice", "p1", "remote", Duration.ofHours(1)));
    FlightInfo info = sql.execute("SELECT a.lab_id, b.lab_id FROM lab_result a, lab_result b", alice);
    try (FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket(), alice)) {
      assertThat(stream.next()).isTrue();
      stream.cancel("client went away", null);
    }
    FlightInfo next = sql.execute("SELECT count(*) FROM encounter", alice);
    assertThat(drain(sql.getStream(next.getEndpoints().get(0).getTicket(), alice))).isEqualTo(1);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!Files.readString(auditFile).contains("\"outcome\":\"cancelled\"") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(Files.readString(auditFile)).contains("\"outcome\":\"cancelled\"").contains("session.authenticated");
  }

  @Test
  void catalogBrowsingListsOnlyTheProjectsTables() throws Exception {
    try (Connection c = jdbc(token("alice", "p1", "remote", Duration.ofHours(1)));
         ResultSet rs = c.getMetaData().getTables(null, null, "%", null)) {
      java.util.Set<String> names = new java.util.TreeSet<>();
      while (rs.next()) {
        names.add(rs.getString("TABLE_NAME"));
      }
      assertThat(names).contains("patient", "lab_result", "clinical_note").doesNotContain("duckdb_settings");
    }
  }

  @Test
  void clientsLearnTheyFaceAReadOnlyServerWithOneCatalog() throws Exception {
    try (Connection c = jdbc(token("alice", "p1", "remote", Duration.ofHours(1)))) {
      java.sql.DatabaseMetaData md = c.getMetaData();
      assertThat(md.getDatabaseProductName()).isEqualTo("enclave query gateway");
      assertThat(md.isReadOnly()).isTrue();
      assertThat(md.getIdentifierQuoteString()).isEqualTo("\"");
      assertThat(md.supportsTransactions()).isFalse();
      assertThat(md.nullsAreSortedAtEnd()).isTrue();
      assertThat(strings(md.getCatalogs(), "TABLE_CAT")).containsExactly("p1");
      assertThat(strings(md.getSchemas(), "TABLE_SCHEM")).isEmpty();
      assertThat(strings(md.getTableTypes(), "TABLE_TYPE")).containsExactly("TABLE");
      java.util.List<String> columns = strings(md.getColumns(null, null, "patient", "%"), "COLUMN_NAME");
      assertThat(columns).contains("person_id", "sex");
    }
  }

  private static java.util.List<String> strings(ResultSet rs, String column) throws Exception {
    java.util.List<String> out = new java.util.ArrayList<>();
    try (rs) {
      while (rs.next()) {
        out.add(rs.getString(column));
      }
    }
    return out;
  }

  private static long drain(FlightStream stream) throws Exception {
    return FlightFixture.drain(stream);
  }
}
