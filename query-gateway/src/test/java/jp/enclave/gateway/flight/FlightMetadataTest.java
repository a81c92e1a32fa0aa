package jp.enclave.gateway.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static jp.enclave.gateway.GatewayFixture.strings;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jp.enclave.gateway.TestHome;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBResultSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Catalog browsing as DBeaver and the Flight SQL JDBC driver do it: refused with the policy's
 * reason for a session the policies refuse, column lists limited to readable columns, and every
 * type reported as DuckDB returns it.
 */
class FlightMetadataTest {
  private static FlightFixture p1;
  private static FlightFixture types;

  @BeforeAll
  static void start() throws Exception {
    p1 = new FlightFixture(TestHome.PROJECT, TestHome.config());
    types = new FlightFixture(TypesExtract.project(), TestHome.config());
  }

  @AfterAll
  static void stop() throws Exception {
    p1.close();
    types.close();
  }

  @Test
  void aSessionThePolicyRefusesCannotListTablesColumnsCatalogsOrServerInfo() throws Exception {
    String expired = p1.token("mallory", "remote", List.of("researcher"), Instant.now().minus(Duration.ofDays(1)));
    String wrongRole = p1.token("trent", "remote", List.of("reviewer"), Instant.now().plus(Duration.ofDays(365)));
    for (String token : List.of(expired, wrongRole)) {
      try (Connection c = p1.jdbc(token)) {
        DatabaseMetaData md = c.getMetaData();
        for (MetaCall call : List.<MetaCall>of(
            m -> m.getTables(null, null, "%", null), m -> m.getColumns(null, null, "clinical_note", "%"),
            DatabaseMetaData::getCatalogs, DatabaseMetaData::getSchemas, DatabaseMetaData::getTableTypes,
            m -> m.getPrimaryKeys(null, null, "patient"), m -> m.getImportedKeys(null, null, "patient"))) {
          // The driver passes the Flight error of a catalog call through unwrapped.
          assertThatThrownBy(() -> rows(call.run(md))).hasMessageContaining("GW-POLICY-DENIED");
        }
      }
      CredentialCallOption auth = FlightFixture.bearer(token);
      for (FlightInfo info : List.of(p1.sql.getSqlInfo(new int[0], p1.allowed()), p1.sql.getXdbcTypeInfo(p1.allowed()))) {
        // Even with a ticket another session obtained, the refused session's DoGet is refused.
        assertThatThrownBy(() -> FlightFixture.drain(p1.sql.getStream(info.getEndpoints().get(0).getTicket(), auth)))
            .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
              assertThat(e.status().code()).isEqualTo(CallStatus.UNAUTHORIZED.code());
              assertThat(e.getMessage()).contains("GW-POLICY-DENIED");
            });
      }
      assertThatThrownBy(() -> p1.sql.getXdbcTypeInfo(auth)).hasMessageContaining("GW-POLICY-DENIED");
    }
    try (Connection c = p1.jdbc(expired)) {
      assertThatThrownBy(() -> rows(c.getMetaData().getTables(null, null, "%", null)))
          .hasMessageContaining("the organisation's certification has expired");
    }
    JsonNode refused = p1.awaitAudit("catalog.refused", d -> d.path("user").asText().equals("mallory")
        && d.path("call").asText().equals("GetTables"));
    assertThat(refused.path("reason").asText()).contains("certification has expired");
    assertThat(p1.audit("catalog.refused", d -> d.path("user").asText().equals("trent"))).isNotEmpty();
    assertThat(p1.audit("catalog.listed", d -> d.path("user").asText().matches("mallory|trent"))).isEmpty();
  }

  @Test
  void columnListsHoldOnlyTheColumnsTheSessionMayRead() throws Exception {
    try (Connection c = p1.jdbc(p1.token("alice", "remote"))) {
      DatabaseMetaData md = c.getMetaData();
      List<String> remote = strings(md.getColumns(null, null, "clinical_note", "%"), "COLUMN_NAME");
      assertThat(remote).contains("person_id").doesNotContain("text");
      assertThat(strings(md.getTables(null, null, "%", null), "TABLE_NAME")).contains("clinical_note", "patient");
      // The extract declares no keys; DBeaver's relation views get empty lists, not errors.
      assertThat(rows(md.getPrimaryKeys(null, null, "patient"))).isZero();
      assertThat(rows(md.getExportedKeys(null, null, "patient"))).isZero();
      assertThat(rows(md.getImportedKeys(null, null, "diagnosis"))).isZero();
      assertThat(rows(md.getCrossReference(null, null, "patient", null, null, "diagnosis"))).isZero();

    }
    JsonNode listed = p1.awaitAudit("catalog.listed", d -> d.path("user").asText().equals("alice")
        && d.path("hiddenColumns").has("clinical_note"));
    assertThat(listed.path("hiddenColumns").path("clinical_note").toString()).contains("text");
    try (Connection c = p1.jdbc(p1.token("olivia", "onsite"))) {
      assertThat(strings(c.getMetaData().getColumns(null, null, "clinical_note", "%"), "COLUMN_NAME"))
          .contains("person_id", "text");
    }
  }

  @Test
  void typeInfoGivesEachCatalogTypeWithItsLiteralSyntax() throws Exception {
    CredentialCallOption auth = p1.allowed();
    Map<String, String> prefixes = new LinkedHashMap<>();
    try (FlightStream s = p1.sql.getStream(p1.sql.getXdbcTypeInfo(auth).getEndpoints().get(0).getTicket(), auth)) {
      while (s.next()) {
        for (int i = 0; i < s.getRoot().getRowCount(); i++) {
          Object prefix = s.getRoot().getVector("literal_prefix").getObject(i);
          prefixes.put(s.getRoot().getVector("type_name").getObject(i).toString(), prefix == null ? null : prefix.toString());
        }
      }
    }
    assertThat(prefixes.keySet()).containsExactlyElementsOf(XdbcTypes.ROWS.stream().map(XdbcTypes.Row::name).toList());
    assertThat(prefixes).containsEntry("TIMESTAMP", "TIMESTAMP '").containsEntry("VARCHAR", "'").containsEntry("BIGINT", null);
    // Each prefix and suffix makes a literal DuckDB reads as that type.
    for (XdbcTypes.Row r : XdbcTypes.ROWS) {
      if (r.prefix() != null) {
        String value = switch (r.name()) {
          case "DATE" -> "2003-02-26";
          case "TIME" -> "12:34:56";
          case "TIMESTAMP" -> "2020-08-03 09:15:30";
          default -> "text";
        };
        assertThat(TestHome.rawRows(p1.gateway, "SELECT typeof(" + r.prefix() + value + r.suffix() + ")"))
            .containsExactly(r.name() + "\t");
      }
    }
    try (FlightStream s = p1.sql.getStream(p1.sql.getXdbcTypeInfo(Types.DECIMAL, auth).getEndpoints().get(0).getTicket(), auth)) {
      assertThat(s.next()).isTrue();
      assertThat(s.getRoot().getRowCount()).isEqualTo(2);
    }
  }

  @Test
  void jdbcMetadataAndResultsReportDuckDbTypesNotText() throws Exception {
    String onsite = types.token("olivia", "onsite");
    Map<String, Integer> expected = new LinkedHashMap<>();
    expected.put("person_id", Types.VARCHAR);
    expected.put("taken_at", Types.TIMESTAMP);
    expected.put("amount", Types.DECIMAL);
    expected.put("day", Types.DATE);
    expected.put("flag", Types.BOOLEAN);
    expected.put("n", Types.INTEGER);
    expected.put("big", Types.BIGINT);
    expected.put("small", Types.SMALLINT);
    expected.put("tiny", Types.TINYINT);
    expected.put("ratio", Types.DOUBLE);
    expected.put("r", Types.FLOAT);
    expected.put("huge", Types.DECIMAL);
    expected.put("t", Types.TIME);
    expected.put("note", Types.VARCHAR);
    try (Connection c = types.jdbc(onsite)) {
      Map<String, Integer> catalogTypes = new LinkedHashMap<>();
      try (ResultSet rs = c.getMetaData().getColumns(null, null, "measurement", "%")) {
        while (rs.next()) {
          catalogTypes.put(rs.getString("COLUMN_NAME"), rs.getInt("DATA_TYPE"));
          if (rs.getString("COLUMN_NAME").equals("amount")) {
            assertThat(rs.getInt("COLUMN_SIZE")).isEqualTo(10);
            assertThat(rs.getInt("DECIMAL_DIGITS")).isEqualTo(2);
          }
        }
      }
      assertThat(catalogTypes).containsExactlyEntriesOf(expected);
      try (ResultSet rs = c.createStatement().executeQuery("SELECT * FROM measurement ORDER BY person_id")) {
        ResultSetMetaData rmd = rs.getMetaData();
        Map<String, Integer> resultTypes = new LinkedHashMap<>();
        for (int i = 1; i <= rmd.getColumnCount(); i++) {
          resultTypes.put(rmd.getColumnName(i), rmd.getColumnType(i));
        }
        assertThat(resultTypes).containsExactlyEntriesOf(expected);
        assertThat(rs.next()).isTrue();
        assertThat(rs.getTimestamp("taken_at").toLocalDateTime()).isEqualTo("2020-08-03T09:15:30.123456");
        assertThat(rs.getBigDecimal("amount")).isEqualByComparingTo(new BigDecimal("53.40"));
        assertThat(rs.getDate("day").toLocalDate()).isEqualTo("2003-02-26");
        assertThat(rs.getBoolean("flag")).isTrue();
      }
      try (var ps = c.prepareStatement("SELECT taken_at, amount FROM measurement")) {
        assertThat(ps.getMetaData().getColumnType(1)).isEqualTo(Types.TIMESTAMP);
        assertThat(ps.getMetaData().getColumnType(2)).isEqualTo(Types.DECIMAL);
        assertThat(ps.getMetaData().getPrecision(2)).isEqualTo(10);
        assertThat(ps.getMetaData().getScale(2)).isEqualTo(2);
      }
    }
  }

  @Test
  void getTablesSchemasEqualTheSchemaOfTheResultDuckDbReturns() throws Exception {
    CredentialCallOption onsite = FlightFixture.bearer(types.token("olivia", "onsite"));
    FlightInfo tables = types.sql.getTables(null, null, "measurement", null, true, onsite);
    Schema listed;
    try (FlightStream s = types.sql.getStream(tables.getEndpoints().get(0).getTicket(), onsite)) {
      assertThat(s.next()).isTrue();
      byte[] bytes = ((VarBinaryVector) s.getRoot().getVector("table_schema")).get(0);
      listed = MessageSerializer.deserializeSchema(new ReadChannel(java.nio.channels.Channels.newChannel(
          new java.io.ByteArrayInputStream(bytes))));
    }
    Schema result = types.sql.execute("SELECT * FROM measurement", onsite).getSchema();
    assertThat(listed.getFields()).hasSameSizeAs(result.getFields());
    for (int i = 0; i < listed.getFields().size(); i++) {
      assertThat(listed.getFields().get(i).getType()).as(listed.getFields().get(i).getName())
          .isEqualTo(result.getFields().get(i).getType());
    }
  }

  static List<String> typeNames() {
    List<String> names = new ArrayList<>(ArrowTypes.BY_NAME.keySet());
    names.addAll(List.of("DECIMAL(10,2)", "DECIMAL(38, 6)", "NUMERIC(5)"));
    return names;
  }

  /** Every row of the type table is what DuckDB's own Arrow export produces for that type. */
  @ParameterizedTest
  @MethodSource("typeNames")
  void everyTypeRowMatchesDuckDbsArrowExport(String duckDbType) throws Exception {
    try (RootAllocator allocator = new RootAllocator();
         Connection c = DriverManager.getConnection("jdbc:duckdb:");
         ResultSet rs = c.createStatement().executeQuery("SELECT CAST(NULL AS " + duckDbType + ") AS c");
         ArrowReader reader = (ArrowReader) rs.unwrap(DuckDBResultSet.class).arrowExportStream(allocator, 16)) {
      Field exported = reader.getVectorSchemaRoot().getSchema().getFields().get(0);
      assertThat(ArrowTypes.ofDuckDb(duckDbType)).isEqualTo(exported.getType());
    }
    assertThat(ArrowTypes.ofDuckDb("GEOMETRY")).isNull();
  }

  @FunctionalInterface
  private interface MetaCall {
    ResultSet run(DatabaseMetaData md) throws SQLException;
  }

  private static int rows(ResultSet rs) throws SQLException {
    int n = 0;
    try (rs) {
      while (rs.next()) {
        n++;
      }
    }
    return n;
  }
}
