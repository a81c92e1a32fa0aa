package jp.enclave.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jp.enclave.gateway.TestHome;
import jp.enclave.audit.AuditLog;
import org.apache.arrow.memory.RootAllocator;
import org.apache.calcite.sql.SqlKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every row of the allowlist tables, tested as a row. */
class AllowlistTest {
  private static Gateway gateway;
  private static RootAllocator allocator;

  @BeforeAll
  static void open() throws Exception {
    gateway = Gateway.open(TestHome.get(), TestHome.PROJECT, TestHome.config(),
        AuditLog.open(Files.createTempDirectory("allow").resolve("audit.jsonl"), false));
    allocator = new RootAllocator();
  }

  @AfterAll
  static void close() {
    gateway.close();
    allocator.close();
  }

  static Stream<Arguments> functions() {
    return Allowlists.FUNCTIONS.stream().map(r -> Arguments.of(r.name(), r.example()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("functions")
  void eachAllowedFunctionRunsAndMatchesRawDuckDb(String name, String example) throws Exception {
    assertThat(example.toUpperCase()).contains(name.equals("||") || name.equals("CURRENT_DATE") ? name : name + "(");
    PlannedQuery plan = gateway.plan(TestHome.session(GatewaySession.SessionKind.REMOTE), example);
    long rows = 0;
    try (RunningQuery r = gateway.execute(plan, allocator)) {
      while (r.next()) {
        rows += r.root().getRowCount();
      }
    }
    assertThat(DuckDbUnparse.reparses(plan.duckDbSql())).isTrue();
    assertThat(DuckDbUnparse.roundTrips(plan.duckDbSql(), gateway.catalog())).as(plan.duckDbSql()).isTrue();
    List<String> raw = rows(example);
    assertThat(rows(plan.duckDbSql())).isEqualTo(raw);
    assertThat(rows).isEqualTo(raw.size()).isPositive();
  }

  static Stream<Arguments> sideChannels() {
    return Allowlists.SIDE_CHANNELS.keySet().stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sideChannels")
  void eachSideChannelNameIsRefusedAsACall(String name) {
    assertThat(Allowlists.function(name)).isEmpty();
    assertThatThrownBy(() -> gateway.plan(TestHome.session(GatewaySession.SessionKind.ONSITE),
        "SELECT " + name.toLowerCase() + "('x') FROM patient"))
        .isInstanceOfSatisfying(GatewayRefusal.class, r ->
            assertThat(r.code()).isIn("GW-SIDE-CHANNEL", "GW-SYNTAX", "GW-TABLE-FUNCTION-NOT-ALLOWED"));
  }

  @Test
  void statementTableAllowsOnlyQueries() {
    assertThat(Allowlists.STATEMENTS.keySet()).containsExactlyInAnyOrder(SqlKind.SELECT, SqlKind.UNION,
        SqlKind.INTERSECT, SqlKind.EXCEPT, SqlKind.WITH, SqlKind.ORDER_BY, SqlKind.VALUES);
    assertThat(Allowlists.SYNTAX).doesNotContain(SqlKind.INSERT, SqlKind.UPDATE, SqlKind.DELETE, SqlKind.MERGE,
        SqlKind.EXPLAIN, SqlKind.DESCRIBE_TABLE, SqlKind.SET_OPTION, SqlKind.COLLECTION_TABLE, SqlKind.LATERAL,
        SqlKind.UNNEST, SqlKind.TABLESAMPLE, SqlKind.HINT);
    for (SqlKind k : SqlKind.DDL) {
      assertThat(Allowlists.SYNTAX).doesNotContain(k);
    }
  }

  private static List<String> rows(String sql) throws Exception {
    return TestHome.rawRows(gateway, sql);
  }
}
