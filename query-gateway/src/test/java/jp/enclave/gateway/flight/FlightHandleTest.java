package jp.enclave.gateway.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jp.enclave.gateway.TestHome;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelFlightInfoResult;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlUtils;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Handles as an attacker and a real client use them: prepared statements and tickets are bound to
 * their session for every operation, every accepted query ends in the trail (finished or
 * unclaimed), and cancels stop only the caller's own query.
 */
class FlightHandleTest {
  private static FlightFixture f;
  private static String aliceToken;
  private static CredentialCallOption alice;
  private static CredentialCallOption bob;

  @BeforeAll
  static void start() {
    f = new FlightFixture(TestHome.PROJECT, TestHome.config().withArrowBatchRows(500).withHandleTtl(Duration.ofSeconds(2)));
    aliceToken = f.token("alice", "remote");
    alice = FlightFixture.bearer(aliceToken);
    bob = FlightFixture.bearer(f.token("bob", "remote"));
  }

  @AfterAll
  static void stop() throws Exception {
    f.close();
  }

  private static FlightSql.ActionCreatePreparedStatementResult prepare(String sql, CredentialCallOption who)
      throws Exception {
    Iterator<Result> results = f.client.doAction(new Action(FlightSqlUtils.FLIGHT_SQL_CREATE_PREPARED_STATEMENT.getType(),
        Any.pack(FlightSql.ActionCreatePreparedStatementRequest.newBuilder().setQuery(sql).build()).toByteArray()), who);
    FlightSql.ActionCreatePreparedStatementResult r = Any.parseFrom(results.next().getBody())
        .unpack(FlightSql.ActionCreatePreparedStatementResult.class);
    results.forEachRemaining(x -> { });
    return r;
  }

  private static FlightDescriptor command(ByteString handle) {
    return FlightDescriptor.command(Any.pack(FlightSql.CommandPreparedStatementQuery.newBuilder()
        .setPreparedStatementHandle(handle).build()).toByteArray());
  }

  private static void close(ByteString handle, CredentialCallOption who) {
    f.client.doAction(new Action(FlightSqlUtils.FLIGHT_SQL_CLOSE_PREPARED_STATEMENT.getType(),
        Any.pack(FlightSql.ActionClosePreparedStatementRequest.newBuilder().setPreparedStatementHandle(handle).build())
            .toByteArray()), who).forEachRemaining(x -> { });
  }

  private static void notFound(ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
      assertThat(e.status().code()).isEqualTo(CallStatus.NOT_FOUND.code());
      assertThat(e.getMessage()).contains("GW-UNKNOWN-HANDLE");
    });
  }

  @Test
  void aValidlySignedTenYearTokenIsRefusedOverTheWireAndAudited() throws Exception {
    String tenYears = f.token("eve", TestHome.PROJECT, "remote", List.of("researcher"),
        java.time.Instant.now().plus(Duration.ofDays(365)), Duration.ofDays(3650));
    assertThatThrownBy(() -> f.sql.execute("SELECT count(*) FROM patient", FlightFixture.bearer(tenYears)))
        .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
          assertThat(e.status().code()).isEqualTo(CallStatus.UNAUTHENTICATED.code());
          assertThat(e.getMessage()).contains("GW-TOKEN-INVALID").contains("exceeds the 12 h the gateway honours");
        });
    assertThat(f.awaitAudit("session.rejected", d -> d.path("reason").asText().contains("lifetime of 87600 h")))
        .isNotNull();
    assertThat(f.audit("session.authenticated", d -> d.path("user").asText().equals("eve"))).isEmpty();
  }

  @Test
  void anotherSessionTouchingAPreparedStatementGetsNotFoundAndTheOwnersHandleSurvives() throws Exception {
    ByteString handle = prepare("SELECT count(*) AS n FROM patient", alice).getPreparedStatementHandle();
    long refusedBefore = f.audit("handle.refused", d -> true).size();
    // Bob got hold of Alice's handle bytes and tries every operation on it.
    notFound(() -> f.client.getInfo(command(handle), bob));
    notFound(() -> f.client.getSchema(command(handle), bob));
    notFound(() -> close(handle, bob));
    notFound(() -> f.sql.cancelFlightInfo(new CancelFlightInfoRequest(
        f.client.getInfo(FlightDescriptor.command(Any.pack(FlightSql.CommandStatementQuery.newBuilder()
            .setQuery("SELECT 1 AS x").build()).toByteArray()), alice)), bob));
    assertThat(f.audit("handle.refused", d -> true).size() - refusedBefore).isEqualTo(4);
    assertThat(f.audit("handle.refused", d -> d.path("operation").asText().equals("close"))).isNotEmpty();
    // Alice's statement is intact: its schema, its execution, its close.
    assertThat(f.client.getSchema(command(handle), alice).getSchema().getFields()).hasSize(1);
    FlightInfo info = f.client.getInfo(command(handle), alice);
    assertThat(FlightFixture.drain(f.sql.getStream(info.getEndpoints().get(0).getTicket(), alice))).isEqualTo(1);
    close(handle, alice);
    notFound(() -> close(handle, alice));
  }

  @Test
  void everyAcceptedQueryOfAPreparedStatementEndsFinishedOrUnclaimed() throws Exception {
    // Executed twice: the plan made at creation runs first, the second execution is planned afresh.
    String ran = "SELECT count(*) AS ran FROM encounter";
    FlightSqlClient.PreparedStatement twice = f.sql.prepare(ran, alice);
    for (int i = 0; i < 2; i++) {
      FlightInfo info = twice.execute(alice);
      assertThat(FlightFixture.drain(f.sql.getStream(info.getEndpoints().get(0).getTicket(), alice))).isEqualTo(1);
    }
    twice.close(alice);
    // Created and closed without running; only described; left to expire.
    String closed = "SELECT count(*) AS closed_unused FROM encounter";
    f.sql.prepare(closed, alice).close(alice);
    String described = "SELECT count(*) AS described FROM encounter";
    assertThat(f.sql.getExecuteSchema(described, alice).getSchema().getFields()).hasSize(1);
    String expired = "SELECT count(*) AS left_to_expire FROM encounter";
    f.sql.prepare(expired, alice);
    String unfetched = "SELECT count(*) AS ticket_never_fetched FROM encounter";
    f.sql.execute(unfetched, alice);
    // The JDBC driver's own round trips (it prepares plain statements too).
    String viaJdbc = "SELECT count(*) AS via_jdbc FROM encounter";
    try (Connection c = f.jdbc(aliceToken); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(viaJdbc)) {
      assertThat(rs.next()).isTrue();
    }
    String preparedJdbc = "SELECT count(*) AS prepared_jdbc FROM encounter";
    try (Connection c = f.jdbc(aliceToken); PreparedStatement ps = c.prepareStatement(preparedJdbc)) {
      for (int i = 0; i < 2; i++) {
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
        }
      }
    }
    assertThat(f.audit("query.accepted", d -> d.path("sql").asText().equals(ran))).hasSize(2);
    assertAccounted();
    assertThat(reasonFor(closed)).isEqualTo("its prepared statement was closed before it ran");
    assertThat(reasonFor(described)).isEqualTo("only its result schema was asked for");
    // The sweeper records expiry even if the client never calls again.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((reasonFor(expired) == null || reasonFor(unfetched) == null) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(reasonFor(expired)).isEqualTo("its prepared statement expired");
    assertThat(reasonFor(unfetched)).isEqualTo("its ticket expired");
    assertAccounted();
  }

  @Test
  void aCreationPlanOlderThanAHandleMayLiveIsDecidedAgainNotRun() throws Exception {
    String sql = "SELECT count(*) AS kept_alive FROM patient";
    ByteString handle = prepare(sql, alice).getPreparedStatementHandle();
    // The client keeps the statement alive (each use pushes its expiry back) past the TTL of 2 s.
    for (int i = 0; i < 6; i++) {
      Thread.sleep(500);
      f.client.getSchema(command(handle), alice);
    }
    FlightInfo info = f.client.getInfo(command(handle), alice);
    assertThat(FlightFixture.drain(f.sql.getStream(info.getEndpoints().get(0).getTicket(), alice))).isEqualTo(1);
    close(handle, alice);
    List<JsonNode> accepted = f.audit("query.accepted", d -> d.path("sql").asText().equals(sql));
    assertThat(accepted).hasSize(2);
    assertThat(reasonFor(sql)).isEqualTo("its prepared statement ran after its plan had aged; planned afresh");
    String second = accepted.get(1).path("queryId").asText();
    assertThat(f.awaitAudit("query.finished", d -> d.path("queryId").asText().equals(second))
        .path("outcome").asText()).isEqualTo("completed");
  }

  @Test
  void serverShutdownRecordsEveryWaitingPlanAsUnclaimed() throws Exception {
    try (FlightFixture own = new FlightFixture(TestHome.PROJECT, TestHome.config())) {
      CredentialCallOption carol = FlightFixture.bearer(own.token("carol", "remote"));
      own.sql.prepare("SELECT count(*) AS open_at_shutdown FROM patient", carol);
      own.sql.execute("SELECT count(*) AS ticket_at_shutdown FROM patient", carol);
      own.close();
      List<JsonNode> unclaimed = own.audit("query.unclaimed",
          d -> d.path("reason").asText().equals("the gateway shut down before it ran"));
      assertThat(unclaimed).hasSize(2);
      assertThat(unaccounted(own)).isEmpty();
    }
  }

  @Test
  void cancelFlightInfoStopsOnlyTheCallersOwnRunningQuery() throws Exception {
    String sql = "SELECT a.lab_id, b.lab_id AS cancel_target FROM lab_result a, lab_result b";
    FlightInfo info = f.sql.execute(sql, alice);
    String queryId = f.acceptedId(sql);
    FlightStream stream = f.sql.getStream(info.getEndpoints().get(0).getTicket(), alice);
    assertThat(stream.next()).isTrue();
    notFound(() -> f.sql.cancelFlightInfo(new CancelFlightInfoRequest(info), bob));
    assertThat(stream.next()).as("bob's cancel must not stop alice's query").isTrue();
    CancelFlightInfoResult result = f.sql.cancelFlightInfo(new CancelFlightInfoRequest(info), alice);
    assertThat(result.getStatus()).isEqualTo(CancelStatus.CANCELLED);
    assertThatThrownBy(() -> {
      while (stream.next()) {
        // Batches already in flight may still arrive.
      }
    }).isInstanceOfSatisfying(FlightRuntimeException.class,
        e -> assertThat(e.status().code()).isEqualTo(CallStatus.CANCELLED.code()));
    stream.close();
    JsonNode finished = f.awaitAudit("query.finished", d -> d.path("queryId").asText().equals(queryId));
    assertThat(finished.path("outcome").asText()).isEqualTo("cancelled");
    // A ticket cancelled before it ran cannot be fetched afterwards, and says why in the trail.
    FlightInfo waiting = f.sql.execute("SELECT count(*) AS cancelled_early FROM patient", alice);
    assertThat(f.sql.cancelFlightInfo(new CancelFlightInfoRequest(waiting), alice).getStatus()).isEqualTo(CancelStatus.CANCELLED);
    notFound(() -> FlightFixture.drain(f.sql.getStream(waiting.getEndpoints().get(0).getTicket(), alice)));
    assertThat(reasonFor("SELECT count(*) AS cancelled_early FROM patient")).isEqualTo("its ticket was cancelled before it ran");
    // The older CancelQuery action takes the same path, with the same owner check.
    FlightInfo legacy = f.sql.execute("SELECT count(*) AS cancelled_by_cancel_query FROM patient", alice);
    notFound(() -> cancelQuery(legacy, bob));
    assertThat(cancelQuery(legacy, alice)).isEqualTo(org.apache.arrow.flight.sql.CancelResult.CANCELLED);
    notFound(() -> FlightFixture.drain(f.sql.getStream(legacy.getEndpoints().get(0).getTicket(), alice)));
  }

  @SuppressWarnings("deprecation")
  private static org.apache.arrow.flight.sql.CancelResult cancelQuery(FlightInfo info, CredentialCallOption who) {
    return f.sql.cancelQuery(info, who);
  }

  @Test
  void jdbcStatementCancelStopsTheRunningDuckDbQuery() throws Exception {
    String sql = "SELECT a.lab_id, b.lab_id AS jdbc_cancel FROM lab_result a, lab_result b";
    try (Connection c = f.jdbc(aliceToken); Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery(sql);
      assertThat(rs.next()).isTrue();
      CompletableFuture.runAsync(() -> {
        try {
          s.cancel();
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      }).get(10, TimeUnit.SECONDS);
      try {
        while (rs.next()) {
          // Drains what was already buffered, then stops.
        }
      } catch (SQLException expected) {
        // The driver reports the cancelled stream.
      }
      rs.close();
    }
    String queryId = f.acceptedId(sql);
    JsonNode finished = f.awaitAudit("query.finished", d -> d.path("queryId").asText().equals(queryId));
    assertThat(finished.path("outcome").asText()).isEqualTo("cancelled");
  }

  private static String reasonFor(String sql) {
    List<JsonNode> accepted = f.audit("query.accepted", d -> d.path("sql").asText().equals(sql));
    if (accepted.isEmpty()) {
      return null;
    }
    String id = accepted.get(0).path("queryId").asText();
    List<JsonNode> u = f.audit("query.unclaimed", d -> d.path("queryId").asText().equals(id));
    return u.isEmpty() ? null : u.get(0).path("reason").asText();
  }

  /** Every accepted query has exactly one end, except those whose handles are still live. */
  private static void assertAccounted() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Map<String, String> open = unaccounted(f);
    while (!open.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      open = unaccounted(f);
    }
    assertThat(open).as("accepted queries without query.finished or query.unclaimed").isEmpty();
  }

  /** Accepted queries (id → text) with no end yet; a query ended twice fails at once. */
  private static Map<String, String> unaccounted(FlightFixture fixture) {
    Map<String, String> open = new HashMap<>();
    Map<String, Integer> ends = new HashMap<>();
    for (JsonNode e : fixture.audit()) {
      String event = e.path("event").asText();
      String id = e.path("data").path("queryId").asText();
      if (event.equals("query.accepted")) {
        open.put(id, e.path("data").path("sql").asText());
      } else if (event.equals("query.finished") || event.equals("query.unclaimed")) {
        ends.merge(id, 1, Integer::sum);
        open.remove(id);
      }
    }
    ends.forEach((id, n) -> assertThat(n).as("ends recorded for " + id).isEqualTo(1));
    // Queries of other tests still streaming or waiting in this shared server are not this test's.
    open.values().removeIf(text -> text.contains("cancel") || text.contains("AS x"));
    return open;
  }
}
