package jp.enclave.gateway.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static jp.enclave.gateway.GatewayFixture.rows;
import static jp.enclave.gateway.GatewayFixture.strings;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import jp.enclave.gateway.TestHome;
import jp.enclave.gateway.token.SessionTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * The PostgreSQL JDBC driver (pgjdbc, what DBeaver and Java tools use) against the gateway:
 * SCRAM login with the session's password, queries and prepared statements with parameters of
 * the common types (results equal raw DuckDB's, also once pgjdbc switches to named server-side
 * statements and binary transfer), and the DatabaseMetaData calls tools make at connect, answered
 * from the project's catalog as the session may see it. As an attacker: hidden columns, other
 * projects' tables, a policy-refused session, injection through patterns, and pgjdbc's own
 * catalog texts altered to reach real data.
 */
class PgJdbcTest {
  private static final String PW = "pw-Jdbc-4f7e";
  private static PgWireFixture f;
  private static String remote;
  private static String onsite;

  @BeforeAll
  static void start() {
    f = new PgWireFixture();
    remote = f.session("sess-jdbc-remote", "alice", "remote", PW);
    onsite = f.session("sess-jdbc-onsite", "alice", "onsite", PW);
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static Connection connect(String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("sslmode", "disable");
    p.setProperty("connectTimeout", "30");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + f.server.port() + "/" + TestHome.PROJECT, p);
  }

  @Test
  void connectsWithScramAndQueriesEqualRawDuckDb() throws Exception {
    String sql = "SELECT sex, count(*) AS n, min(birth_date) AS first FROM patient GROUP BY sex ORDER BY sex";
    try (Connection c = connect(remote, PW); Statement s = c.createStatement()) {
      assertThat(c.getMetaData().getDatabaseProductVersion()).isEqualTo("14.22");
      assertThat(rows(s.executeQuery(sql))).isEqualTo(TestHome.rawRows(f.gateway, sql)).isNotEmpty();
    }
    assertThat(f.audit("pgwire.authenticated", d -> d.path("session").asText().equals(remote)
        && d.path("method").asText().equals("scram-sha-256"))).isNotEmpty();
  }

  @Test
  void preparedStatementsBindTheCommonTypes() throws Exception {
    String sql = "SELECT person_id, sex, birth_date FROM patient WHERE birth_date >= ? AND sex = ? ORDER BY person_id LIMIT ?";
    List<String> expected = TestHome.rawRows(f.gateway,
        "SELECT person_id, sex, birth_date FROM patient WHERE birth_date >= DATE '1970-01-01' AND sex = 'F' ORDER BY person_id LIMIT 7");
    try (Connection c = connect(remote, PW); PreparedStatement ps = c.prepareStatement(sql)) {
      // pgjdbc names the statement on the server and asks for binary results from the 5th run on.
      for (int i = 0; i < 7; i++) {
        ps.setDate(1, java.sql.Date.valueOf("1970-01-01"));
        ps.setString(2, "F");
        ps.setInt(3, 7);
        assertThat(rows(ps.executeQuery())).as("run %d", i).isEqualTo(expected).hasSize(7);
      }
      try (PreparedStatement typed = c.prepareStatement("SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?")) {
        typed.setLong(1, 9_000_000_000L);
        typed.setDouble(2, 2.5);
        typed.setBigDecimal(3, new BigDecimal("3.14"));
        typed.setBoolean(4, true);
        typed.setTimestamp(5, java.sql.Timestamp.valueOf("2024-01-02 03:04:05.123456"));
        typed.setShort(6, (short) 7);
        typed.setString(7, "日本語 'quoted'");
        typed.setNull(8, java.sql.Types.VARCHAR);
        typed.setDate(9, java.sql.Date.valueOf("2024-02-29"));
        try (ResultSet rs = typed.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(9_000_000_000L);
          assertThat(rs.getDouble(2)).isEqualTo(2.5);
          assertThat(rs.getBigDecimal(3)).isEqualByComparingTo("3.14");
          assertThat(rs.getBoolean(4)).isTrue();
          assertThat(rs.getTimestamp(5)).isEqualTo(java.sql.Timestamp.valueOf("2024-01-02 03:04:05.123456"));
          assertThat(rs.getShort(6)).isEqualTo((short) 7);
          assertThat(rs.getString(7)).isEqualTo("日本語 'quoted'");
          assertThat(rs.getString(8)).isNull();
          assertThat(rs.getDate(9)).isEqualTo(java.sql.Date.valueOf("2024-02-29"));
        }
      }
      // Injection through a bound string stays a string.
      try (PreparedStatement inj = c.prepareStatement("SELECT count(*) FROM patient WHERE sex = ?")) {
        inj.setString(1, "F' OR '1'='1");
        try (ResultSet rs = inj.executeQuery()) {
          rs.next();
          assertThat(rs.getLong(1)).isZero();
        }
      }
      // A timestamp at another offset cannot be written exactly: refused, the connection goes on.
      try (PreparedStatement ts = c.prepareStatement("SELECT count(*) FROM patient WHERE birth_date < ?")) {
        ts.setTimestamp(1, java.sql.Timestamp.valueOf("2000-01-01 00:00:00"),
            java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("Asia/Tokyo")));
        assertThatThrownBy(ts::executeQuery).isInstanceOf(PSQLException.class).hasMessageContaining("GW-PARAMETER-TYPE")
            .hasMessageContaining("UTC offset +09");
        // A LocalDateTime goes as a typed timestamp without zone, whatever the client's time zone.
        ts.setObject(1, java.time.LocalDateTime.of(2000, 1, 1, 0, 0));
        assertThat(rows(ts.executeQuery())).isEqualTo(TestHome.rawRows(f.gateway,
            "SELECT count(*) FROM patient WHERE birth_date < TIMESTAMP '2000-01-01 00:00:00'"));
      }
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
        assertThat(rs.next()).isTrue();
      }
    }
  }

  @Test
  void metadataListsTheProjectsTablesAndReadableColumns() throws Exception {
    try (Connection c = connect(remote, PW)) {
      DatabaseMetaData md = c.getMetaData();
      List<String> all = new ArrayList<>(new TreeSet<>(f.gateway.catalog().tables().keySet()));
      assertThat(strings(md.getTables(null, null, "%", null), "TABLE_NAME")).isEqualTo(all);
      assertThat(strings(md.getTables(null, "public", null, new String[] {"TABLE", "VIEW"}), "TABLE_NAME")).isEqualTo(all);
      assertThat(strings(md.getTables(null, null, "%", new String[] {"VIEW", "SYSTEM TABLE"}), "TABLE_NAME")).isEmpty();
      assertThat(strings(md.getTables(null, null, "lab\\_result", new String[] {"TABLE"}), "TABLE_TYPE"))
          .containsExactly("TABLE");
      assertThat(strings(md.getTables(null, "pg_catalog", "%", null), "TABLE_NAME")).isEmpty();
      assertThat(strings(md.getSchemas(), "TABLE_SCHEM")).containsExactly("public");
      assertThat(strings(md.getSchemas(null, "pg%"), "TABLE_SCHEM")).isEmpty();
      assertThat(strings(md.getCatalogs(), "TABLE_CAT")).containsExactly(TestHome.PROJECT);

      List<String> expected = new ArrayList<>();
      f.gateway.catalog().tables().get("patient").columns().values().forEach(col -> expected.add(col.name()));
      try (ResultSet rs = md.getColumns(null, "public", "patient", null)) {
        List<String> names = new ArrayList<>();
        while (rs.next()) {
          names.add(rs.getString("COLUMN_NAME"));
          assertThat(rs.getInt("ORDINAL_POSITION")).isEqualTo(names.size());
          if (rs.getString("COLUMN_NAME").equals("birth_date")) {
            assertThat(rs.getInt("DATA_TYPE")).isEqualTo(java.sql.Types.DATE);
            assertThat(rs.getString("TYPE_NAME")).isEqualTo("date");
          }
        }
        assertThat(names).isEqualTo(expected);
      }
      assertThat(strings(md.getColumns(null, null, "patient", "birth%"), "COLUMN_NAME")).containsExactly("birth_date");

      List<String> types = strings(md.getTypeInfo(), "TYPE_NAME");
      assertThat(types).contains("int4", "int8", "numeric", "float8", "text", "varchar", "bool", "date", "timestamp");
      assertThat(types).doesNotContain("bytea", "json", "pg_class");
      assertThat(strings(md.getPrimaryKeys(null, "public", "patient"), "COLUMN_NAME")).isEmpty();
      assertThat(strings(md.getImportedKeys(null, "public", "diagnosis"), "PKTABLE_NAME")).isEmpty();
      assertThat(strings(md.getExportedKeys(null, "public", "patient"), "FKTABLE_NAME")).isEmpty();
      assertThat(strings(md.getIndexInfo(null, "public", "patient", false, true), "INDEX_NAME")).isEmpty();
      // The type of a result column outside pgjdbc's built-in list (interval) is asked for by OID.
      try (Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT max(birth_date) - min(birth_date) AS span, INTERVAL '2 days' AS i FROM patient")) {
        assertThat(rs.getMetaData().getColumnTypeName(2)).isEqualTo("interval");
      }
    }
    assertThat(f.audit("catalog.listed", d -> d.path("call").asText().equals("pgwire JDBC getColumns")
        && d.path("session").asText().equals(remote))).isNotEmpty();
  }

  @Test
  void metadataNeverShowsColumnsTheSessionMayNotRead() throws Exception {
    try (Connection c = connect(remote, PW)) {
      DatabaseMetaData md = c.getMetaData();
      List<String> notes = strings(md.getColumns(null, null, "clinical_note", "%"), "COLUMN_NAME");
      assertThat(notes).isNotEmpty().doesNotContain("text");
      assertThat(strings(md.getColumns(null, null, "clinical_note", "text"), "COLUMN_NAME")).isEmpty();
      assertThat(strings(md.getColumns(null, null, "%", "%"), "COLUMN_NAME")).doesNotContain("text");
      // Numbered among the visible columns: no gap betrays the hidden one.
      try (ResultSet rs = md.getColumns(null, null, "clinical_note", null)) {
        int n = 0;
        while (rs.next()) {
          assertThat(rs.getInt("ORDINAL_POSITION")).isEqualTo(++n);
        }
      }
    }
    assertThat(f.audit("catalog.listed", d -> d.path("call").asText().equals("pgwire JDBC getColumns")
        && d.path("hiddenColumns").path("clinical_note").toString().contains("text"))).isNotEmpty();
    try (Connection c = connect(onsite, PW)) {
      assertThat(strings(c.getMetaData().getColumns(null, null, "clinical_note", "%"), "COLUMN_NAME")).contains("text");
    }
  }

  @Test
  void metadataNeverShowsOtherProjectsOrDuckDbCatalogs() throws Exception {
    try (Connection c = connect(remote, PW)) {
      DatabaseMetaData md = c.getMetaData();
      // Another project's catalog: pgjdbc asks nothing of it, the gateway knows only its own project.
      assertThat(strings(md.getTables(TestHome.OTHER_PROJECT, null, "%", null), "TABLE_NAME")).isEmpty();
      assertThat(strings(md.getTables(null, null, "%", null), "TABLE_CAT")).containsOnly(TestHome.PROJECT);
      for (String name : List.of("duckdb_tables", "duckdb_columns", "sqlite_master", "information_schema", "pg_class",
          "x' OR '1'='1", "%' OR relname LIKE '%")) {
        assertThat(strings(md.getTables(null, null, name, null), "TABLE_NAME")).as(name).isEmpty();
        assertThat(strings(md.getColumns(null, null, name, null), "COLUMN_NAME")).as(name).isEmpty();
      }
    }
  }

  @Test
  void alteredCatalogTextsThatReachRealDataAreRefused() throws Exception {
    String tables = PgJdbcTexts.TABLES + " AND c.relname LIKE '%'" + PgJdbcTexts.TABLES_ORDER;
    List<String> attacks = List.of(
        // joined into a project table
        tables.replace("WHERE c.relnamespace = n.oid", "JOIN patient p ON p.sex = c.relname WHERE c.relnamespace = n.oid"),
        // a subquery over real data in an argument slot
        PgJdbcTexts.TABLES + " AND c.relname LIKE (SELECT min(sex) FROM patient)" + PgJdbcTexts.TABLES_ORDER,
        // an extra condition the driver never writes
        PgJdbcTexts.COLUMNS + " AND c.relname LIKE 'patient' AND EXISTS (SELECT 1 FROM clinical_note WHERE text LIKE 'a%')"
            + PgJdbcTexts.COLUMNS_WHERE + PgJdbcTexts.COLUMNS_ORDER,
        // a UNION riding after the driver's text
        PgJdbcTexts.SCHEMAS + PgJdbcTexts.SCHEMAS_ORDER.replace("ORDER BY", "UNION SELECT text, 'x' FROM clinical_note ORDER BY"),
        // DuckDB's own catalog in the driver's shape
        PgJdbcTexts.TYPE_INFO.replace("pg_catalog.pg_type t", "duckdb_types() t"));
    try (Connection c = connect(remote, PW); Statement s = c.createStatement()) {
      for (String sql : attacks) {
        assertThatThrownBy(() -> s.executeQuery(sql)).as(sql).isInstanceOf(PSQLException.class)
            .satisfies(e -> assertThat(((PSQLException) e).getSQLState()).isIn("42501", "42601", "42P01", "42703"))
            .hasMessageMatching("(?s)ERROR: GW-[A-Z-]+: .*");
      }
      // The driver's shape repeated far beyond what it sends: not answered, refused by the core.
      String repeated = PgJdbcTexts.TABLES + PgJdbcTexts.TABLES_TYPES_OPEN
          + (" OR ( " + PgJdbcTexts.TABLE_TYPE_CLAUSES.get("TABLE") + " ) ").repeat(5_000)
          + PgJdbcTexts.TABLES_TYPES_CLOSE + PgJdbcTexts.TABLES_ORDER;
      assertThatThrownBy(() -> s.executeQuery(repeated)).isInstanceOf(PSQLException.class)
          .hasMessageMatching("(?s)ERROR: GW-[A-Z-]+: .*");
      // The genuine text is still answered on the same connection.
      assertThat(rows(s.executeQuery(tables))).hasSize(f.gateway.catalog().tables().size());
    }
  }

  @Test
  void aSessionThePoliciesRefuseGetsNoMetadata() throws Exception {
    String token = SessionTokens.issue(f.signing, new SessionTokens.Claims("eve", TestHome.PROJECT, "remote",
        List.of("researcher"), "org-1", "type2", Instant.now().minus(Duration.ofDays(1)), "sess-jdbc-lapsed",
        ScramSha256.newVerifier(PW)), Instant.now(), Duration.ofHours(1));
    f.write("sess-jdbc-lapsed", token);
    try (Connection c = connect("sess-jdbc-lapsed", PW)) {
      assertThatThrownBy(() -> c.getMetaData().getTables(null, null, "%", null)).isInstanceOf(PSQLException.class)
          .hasMessageContaining("GW-POLICY-DENIED");
      assertThatThrownBy(() -> c.getMetaData().getColumns(null, null, "patient", null)).isInstanceOf(PSQLException.class)
          .hasMessageContaining("GW-POLICY-DENIED");
    }
    assertThat(f.audit("catalog.refused", d -> d.path("session").asText().equals("sess-jdbc-lapsed"))).isNotEmpty();
  }

  @Test
  void aWrongPasswordIsRefused() {
    assertThatThrownBy(() -> connect(remote, "not-the-password")).isInstanceOf(PSQLException.class)
        .satisfies(e -> assertThat(((PSQLException) e).getSQLState()).isEqualTo("28P01"));
  }
}
