package jp.enclave.gateway.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import jp.enclave.gateway.TestHome;
import jp.enclave.gateway.core.GatewaySession;
import jp.enclave.gateway.core.PlannedQuery;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.Text;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Prepared-statement parameters as the Flight SQL JDBC driver (and DBeaver on it) binds them, and
 * as an attacker would: values become literals in the text the whole pipeline checks.
 */
class FlightParameterTest {
  private static FlightFixture f;
  private static FlightFixture types;
  private static String alice;
  private static CredentialCallOption aliceAuth;

  @BeforeAll
  static void start() throws Exception {
    f = new FlightFixture(TestHome.PROJECT, TestHome.config());
    types = new FlightFixture(TypesExtract.project(), TestHome.config());
    alice = f.token("alice", "remote");
    aliceAuth = FlightFixture.bearer(alice);
  }

  @AfterAll
  static void stop() throws Exception {
    f.close();
    types.close();
  }

  private static long count(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      assertThat(rs.next()).isTrue();
      return rs.getLong(1);
    }
  }

  private static long raw(String sql) throws SQLException {
    return Long.parseLong(TestHome.rawRows(f.gateway, sql).get(0).trim());
  }

  @Test
  void jdbcBindsStringsDatesAndIntsAndGetsWhatDuckDbGivesForTheLiterals() throws Exception {
    try (Connection c = f.jdbc(alice);
         PreparedStatement ps = c.prepareStatement("SELECT count(*) AS n FROM patient WHERE sex = ? AND birth_date < ?")) {
      assertThat(ps.getParameterMetaData().getParameterCount()).isEqualTo(2);
      ps.setString(1, "F");
      ps.setDate(2, Date.valueOf("1970-01-01"));
      assertThat(count(ps)).isEqualTo(raw("SELECT count(*) FROM patient WHERE sex = 'F' AND birth_date < DATE '1970-01-01'"));
      ps.setString(1, "M");
      ps.setDate(2, Date.valueOf("1985-06-30"));
      assertThat(count(ps)).isEqualTo(raw("SELECT count(*) FROM patient WHERE sex = 'M' AND birth_date < DATE '1985-06-30'"));
    }
    try (Connection c = f.jdbc(alice);
         PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM medication WHERE days > ? AND dose >= ?")) {
      ps.setInt(1, 7);
      ps.setDouble(2, 0.5);
      assertThat(count(ps)).isEqualTo(raw("SELECT count(*) FROM medication WHERE days > 7 AND dose >= 0.5"));
    }
    // The trail shows the final text every check ran on, one accepted and one finished entry each.
    assertThat(f.audit("query.accepted", d -> d.path("sql").asText()
        .equals("SELECT count(*) AS n FROM patient WHERE sex =  'F'  AND birth_date <  DATE '1970-01-01' "))).hasSize(1);
  }

  @Test
  void jdbcBindsTimestampsAndDecimalsExactly() throws Exception {
    try (Connection c = types.jdbc(types.token("olivia", "onsite"));
         PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM measurement WHERE taken_at = ? AND amount = ?")) {
      assertThat(ps.getParameterMetaData().getParameterType(1)).isEqualTo(java.sql.Types.TIMESTAMP);
      assertThat(ps.getParameterMetaData().getParameterType(2)).isEqualTo(java.sql.Types.DECIMAL);
      // The driver binds timestamps in milliseconds (the gateway declares them so, see SqlParameters).
      ps.setTimestamp(1, Timestamp.valueOf("2020-08-03 09:15:30.123"));
      ps.setBigDecimal(2, new BigDecimal("53.40"));
      assertThat(count(ps)).isEqualTo(1);
      assertThat(types.audit("query.accepted", d -> d.path("sql").asText()
          .contains("taken_at =  TIMESTAMP '2020-08-03 09:15:30.123000'  AND amount =  53.40 "))).hasSize(1);
      ps.setTimestamp(1, Timestamp.valueOf("2020-08-03 09:15:31"));
      assertThat(count(ps)).isZero();
    }
  }

  @Test
  void attackerValuesStayLiteralsAndEveryCheckRunsOnTheFinalText() throws Exception {
    try (Connection c = f.jdbc(alice);
         PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM patient WHERE sex = ?")) {
      ps.setString(1, "F' OR '1'='1");
      assertThat(count(ps)).isZero();
      ps.setString(1, "x'; SELECT text FROM clinical_note; --");
      assertThat(count(ps)).isZero();
      ps.setString(1, "F\n");
      assertThatThrownBy(() -> count(ps)).hasMessageContaining("GW-PARAMETER-VALUE");
    }
    assertThat(f.audit("query.accepted", d -> d.path("sql").asText().contains("'F'' OR ''1''=''1'"))).hasSize(1);
    try (Connection c = f.jdbc(alice);
         PreparedStatement ps = c.prepareStatement("SELECT text FROM clinical_note WHERE person_id = ?")) {
      ps.setString(1, "B002");
      assertThatThrownBy(() -> count(ps)).hasMessageContaining("GW-COLUMN-DENIED");
    }
    try (Connection c = f.jdbc(alice);
         PreparedStatement ps = c.prepareStatement("SELECT * FROM read_csv(?)")) {
      ps.setString(1, "/etc/passwd");
      assertThatThrownBy(() -> count(ps)).hasMessageContaining("GW-TABLE-FUNCTION-NOT-ALLOWED");
    }
  }

  /** A Flight SQL client that binds its own Arrow batch, whatever the declared parameter types. */
  private static FlightInfo bindAndExecute(String sql, Schema schema, int rows, Consumer<VectorSchemaRoot> fill) {
    FlightSqlClient.PreparedStatement ps = f.sql.prepare(sql, aliceAuth);
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, f.allocator)) {
      root.allocateNew();
      fill.accept(root);
      root.setRowCount(rows);
      ps.setParameters(root);
      return ps.execute(aliceAuth);
    } finally {
      ps.close(aliceAuth);
    }
  }

  private static long drainCount(FlightEndpoint endpoint) throws Exception {
    try (FlightStream s = f.sql.getStream(endpoint.getTicket(), aliceAuth)) {
      assertThat(s.next()).isTrue();
      return ((BigIntVector) s.getRoot().getVector(0)).get(0);
    }
  }

  private static Schema one(ArrowType type) {
    return new Schema(List.of(Field.nullable("p", type)));
  }

  @Test
  void boundValuesAreRenderedFromTheTypeSentAndNegativeNumbersNeverStartAComment() throws Exception {
    FlightInfo info = bindAndExecute("SELECT count(*) FROM medication WHERE days -? > 10", one(new ArrowType.Int(64, true)), 1,
        root -> ((BigIntVector) root.getVector(0)).setSafe(0, -5));
    assertThat(drainCount(info.getEndpoints().get(0))).isEqualTo(raw("SELECT count(*) FROM medication WHERE days + 5 > 10"));
    // Two parameter rows: two queries, each planned and audited, one endpoint each.
    FlightInfo two = bindAndExecute("SELECT count(*) FROM medication WHERE days > ?", one(new ArrowType.Int(64, true)), 2,
        root -> {
          ((BigIntVector) root.getVector(0)).setSafe(0, 10);
          ((BigIntVector) root.getVector(0)).setSafe(1, 20);
        });
    assertThat(two.getEndpoints()).hasSize(2);
    assertThat(drainCount(two.getEndpoints().get(0))).isEqualTo(raw("SELECT count(*) FROM medication WHERE days > 10"));
    assertThat(drainCount(two.getEndpoints().get(1))).isEqualTo(raw("SELECT count(*) FROM medication WHERE days > 20"));
  }

  @Test
  void valuesThatCannotBeWrittenExactlyAndTooManyRowsAreRefused() {
    String sql = "SELECT count(*) FROM lab_result WHERE value > ?";
    assertRefused(() -> bindAndExecute(sql, one(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), 1,
        root -> ((Float8Vector) root.getVector(0)).setSafe(0, Double.NaN)), "GW-PARAMETER-TYPE");
    assertRefused(() -> bindAndExecute(sql, one(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "Asia/Tokyo")), 1,
        root -> ((TimeStampMicroTZVector) root.getVector(0)).setSafe(0, 1_000_000L)), "GW-PARAMETER-TYPE");
    assertRefused(() -> bindAndExecute(sql, one(new ArrowType.Binary()), 1,
        root -> ((VarBinaryVector) root.getVector(0)).setSafe(0, new byte[] {1})), "GW-PARAMETER-TYPE");
    assertRefused(() -> bindAndExecute(sql, new Schema(List.of(Field.nullable("a", new ArrowType.Int(64, true)),
        Field.nullable("b", new ArrowType.Int(64, true)))), 1, root -> { }), "GW-PARAMETER-COUNT");
    assertRefused(() -> bindAndExecute(sql, one(new ArrowType.Int(64, true)), SqlParameters.MAX_ROWS + 1, root -> {
      for (int i = 0; i <= SqlParameters.MAX_ROWS; i++) {
        ((BigIntVector) root.getVector(0)).setSafe(i, i);
      }
    }), "GW-PARAMETER-ROWS");
    FlightSqlClient.PreparedStatement unbound = f.sql.prepare(sql, aliceAuth);
    assertRefused(() -> unbound.execute(aliceAuth), "GW-PARAMETER-MISSING");
    unbound.close(aliceAuth);
  }

  private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String code) {
    assertThatThrownBy(call).isInstanceOf(FlightRuntimeException.class).hasMessageContaining(code);
  }

  @Test
  void parameterTypesFollowTheColumnAPlaceholderIsComparedWith() {
    SqlParameters.Template t = SqlParameters.parse("SELECT * FROM patient p WHERE p.sex = ? AND birth_date BETWEEN ? AND ?"
        + " AND person_id IN (?, ?) AND ? <= p.birth_date AND CAST(? AS DECIMAL(10,2)) > 0 AND name LIKE ?"
        + " -- not a parameter: ?\n AND '?' <> \"?\" /* ? */ LIMIT ?", f.gateway.catalog());
    assertThat(t.parameterSchema().getFields().stream().map(Field::getType).toList()).containsExactly(
        ArrowType.Utf8.INSTANCE, new ArrowType.Date(DateUnit.DAY), new ArrowType.Date(DateUnit.DAY),
        ArrowType.Utf8.INSTANCE, ArrowType.Utf8.INSTANCE, new ArrowType.Date(DateUnit.DAY),
        new ArrowType.Decimal(10, 2, 128), ArrowType.Utf8.INSTANCE, new ArrowType.Int(64, true));
    assertThat(SqlParameters.parse("SELECT 1 FROM medication WHERE days = ? OR dose < ?", f.gateway.catalog())
        .parameterSchema().getFields().stream().map(Field::getType).toList())
        .containsExactly(new ArrowType.Int(32, true), new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
  }

  static Stream<Arguments> literals() {
    return Stream.of(
        Arguments.of(new ArrowType.Int(32, true), 42, "42", "42"),
        Arguments.of(new ArrowType.Int(64, true), -5L, "(-5)", "-5"),
        Arguments.of(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), 0.1, "0.1E0", "0.1"),
        Arguments.of(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), -2.5e-300, "(-2.5E-300)", "-2.5E-300"),
        Arguments.of(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), 1.1f, "CAST(1.100000023841858E0 AS REAL)", "1.1"),
        Arguments.of(new ArrowType.Decimal(10, 2, 128), new BigDecimal("53.40"), "53.40", "53.40"),
        Arguments.of(new ArrowType.Decimal(10, 2, 128), new BigDecimal("-0.05"), "(-0.05)", "-0.05"),
        Arguments.of(ArrowType.Bool.INSTANCE, true, "TRUE", "true"),
        Arguments.of(ArrowType.Utf8.INSTANCE, new Text("O'Brien 膵島細胞症"), "'O''Brien 膵島細胞症'", "O'Brien 膵島細胞症"),
        Arguments.of(new ArrowType.Date(DateUnit.DAY), (int) LocalDate.parse("2003-02-26").toEpochDay(),
            "DATE '2003-02-26'", "2003-02-26"),
        Arguments.of(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null), LocalDateTime.parse("2020-08-03T09:15:30.123456"),
            "TIMESTAMP '2020-08-03 09:15:30.123456'", "2020-08-03 09:15:30.123456"),
        Arguments.of(ArrowType.Utf8.INSTANCE, null, "NULL", "null"));
  }

  /**
   * Each rendered literal is what DuckDB reads back as the value sent, and survives the gateway's
   * parse, validation and rewrite unchanged (its DuckDB text gives the same value).
   */
  @ParameterizedTest
  @MethodSource("literals")
  void literalsAreExactTypedValues(ArrowType type, Object value, String literal, String duckDbValue) throws Exception {
    assertThat(SqlParameters.literal(type, value, 1)).isEqualTo(literal);
    List<String> direct = TestHome.rawRows(f.gateway, "SELECT " + literal + " AS v");
    assertThat(direct).containsExactly(duckDbValue + "\t");
    PlannedQuery plan = f.gateway.plan(TestHome.session(GatewaySession.SessionKind.REMOTE), "SELECT " + literal + " AS v");
    assertThat(TestHome.rawRows(f.gateway, plan.duckDbSql())).isEqualTo(direct);
  }
}
