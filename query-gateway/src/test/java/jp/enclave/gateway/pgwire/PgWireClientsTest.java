package jp.enclave.gateway.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import jp.enclave.gateway.TestHome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The researcher's Debian clients against the gateway's PostgreSQL endpoint, as processes:
 * psql, psycopg2, psycopg 3 and R (DBI + RPostgreSQL). Answers equal raw DuckDB's on the same
 * extract; refusals arrive as each client's own error with the gateway's code and psql's caret.
 */
class PgWireClientsTest {
  private static PgWireFixture f;
  private static final String PW = "pw-Alice-7f3a";
  private static String remote;

  @BeforeAll
  static void start() {
    f = new PgWireFixture();
    remote = f.session("sess-alice-remote", "alice", "remote", PW);
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static String tsv(List<String> rows) {
    StringBuilder b = new StringBuilder();
    rows.forEach(r -> b.append(r.substring(0, r.length() - 1)).append('\n'));
    return b.toString();
  }

  @Test
  void psqlRunsAQueryWithResultsEqualToRawDuckDb() throws Exception {
    String sql = "SELECT sex, count(*) AS n, min(birth_date) AS first FROM patient GROUP BY sex ORDER BY sex";
    PgWireFixture.Run r = f.psql(remote, PW, "-A", "-t", "-F", "\t", "-c", sql);
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out()).isEqualTo(tsv(TestHome.rawRows(f.gateway, sql)));
    f.awaitAudit("query.finished", d -> d.path("session").asText().equals(remote)
        && d.path("outcome").asText().equals("completed"));
    f.awaitAudit("pgwire.authenticated", d -> d.path("session").asText().equals(remote)
        && d.path("method").asText().equals("scram-sha-256"));
  }

  @Test
  void psqlListsAndDescribesOnlyWhatTheSessionMayRead() {
    PgWireFixture.Run dt = f.psql(remote, PW, "-c", "\\dt");
    assertThat(dt.exit()).as(dt.all()).isZero();
    assertThat(dt.out()).contains("public | patient", "clinical_note", "(10 rows)");
    PgWireFixture.Run d = f.psql(remote, PW, "-c", "\\d patient");
    assertThat(d.exit()).as(d.all()).isZero();
    assertThat(d.out()).contains("Table \"public.patient\"", "person_id", "birth_date", "date");
    PgWireFixture.Run note = f.psql(remote, PW, "-c", "\\d clinical_note");
    assertThat(note.exit()).as(note.all()).isZero();
    assertThat(note.out()).contains("note_date").doesNotContain(" text ");
    PgWireFixture.Run missing = f.psql(remote, PW, "-c", "\\d pg_class");
    assertThat(missing.all()).contains("Did not find any relation named \"pg_class\"");
  }

  @Test
  void psqlShowsTheRefusalsCodeAndCaret() {
    PgWireFixture.Run r = f.psql(remote, PW, "-c", "SELECT person_id, text FROM clinical_note");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("ERROR:  GW-COLUMN-DENIED", "LINE 1: SELECT person_id, text FROM clinical_note",
        "\n                          ^");
    java.nio.file.Path target = f.dir.resolve("copy.csv");
    PgWireFixture.Run copy = f.psql(remote, PW, "-c", "\\copy patient to '" + target + "'");
    assertThat(copy.exit()).isNotZero();
    assertThat(copy.err()).contains("GW-STATEMENT-NOT-ALLOWED");
    // psql creates its local file before asking; the gateway sends nothing into it.
    assertThat(target.toFile().length()).isZero();
  }

  @Test
  void psycopg2ParametersPandasAndANamedCursorOverALargeResult() throws Exception {
    String script = """
        import os, psycopg2, pandas, datetime, warnings
        warnings.simplefilter('ignore')
        c = psycopg2.connect(os.environ['DSN'])
        cur = c.cursor()
        cur.execute("SELECT sex, count(*) FROM patient WHERE birth_date > %s AND sex = %s GROUP BY sex",
                    (datetime.date(1970, 1, 1), 'F'))
        print('params', cur.fetchall())
        df = pandas.read_sql("SELECT person_id, sex, birth_date FROM patient ORDER BY person_id", c)
        print('pandas', len(df), list(df.columns), df['person_id'].iloc[0])
        named = c.cursor(name='big')
        named.itersize = 500
        named.execute("SELECT d.person_id, d.icd10 FROM diagnosis d, patient p WHERE p.person_id = d.person_id")
        print('named', sum(1 for _ in named))
        named.close()
        c.rollback()
        try:
            cur.execute("SELECT 1; DROP TABLE patient")
        except psycopg2.Error as e:
            print('refused', e.pgcode, e.pgerror.split(':')[1].strip())
        """;
    PgWireFixture.Run r = f.python(remote, PW, script);
    assertThat(r.exit()).as(r.all()).isZero();
    long females = Long.parseLong(TestHome.rawRows(f.gateway,
        "SELECT count(*) FROM patient WHERE birth_date > DATE '1970-01-01' AND sex = 'F'").get(0).trim());
    String first = TestHome.rawRows(f.gateway, "SELECT min(person_id) FROM patient").get(0).trim();
    long joined = Long.parseLong(TestHome.rawRows(f.gateway,
        "SELECT count(*) FROM diagnosis d, patient p WHERE p.person_id = d.person_id").get(0).trim());
    assertThat(r.out()).contains("params [('F', " + females + ")]",
        "pandas " + TestHome.patients() + " ['person_id', 'sex', 'birth_date'] " + first,
        "named " + joined, "refused 42601 GW-MULTIPLE-STATEMENTS");
    assertThat(joined).isGreaterThan(1000);
  }

  @Test
  void psycopg3BinaryResultsServerSideCursorAndJapaneseText() throws Exception {
    String script = """
        import os, psycopg, datetime, decimal
        from psycopg.types import TypeInfo
        c = psycopg.connect(os.environ['DSN'])
        for binary in (False, True):
            cur = c.cursor(binary=binary)
            cur.execute("SELECT CAST(%s AS INTEGER) + 1 AS i, CAST(2.50 AS DECIMAL(5,2)) AS d, CAST(0.1 AS DOUBLE) AS f,"
                        " TRUE AS b, DATE '2024-02-29' AS dt, TIMESTAMP '2024-02-29 12:34:56.789012' AS ts,"
                        " INTERVAL 3 DAY AS iv, CAST(NULL AS INTEGER) AS n, %s AS j, CAST(-12345678.9012 AS DECIMAL(18,4)) AS big",
                        (41, '日本語のテキスト'))
            print('binary' if binary else 'text', cur.fetchone())
        with c.cursor(name='big', binary=True) as named:
            named.itersize = 300
            named.execute("SELECT person_id, icd10, diagnosis_date FROM diagnosis")
            print('named', sum(1 for _ in named))
        print('typeinfo', TypeInfo.fetch(c, 'numeric').oid)
        c.rollback()
        print('prefecture', c.execute("SELECT prefecture FROM patient ORDER BY person_id LIMIT 1").fetchone()[0])
        """;
    PgWireFixture.Run r = f.python(remote, PW, script);
    assertThat(r.exit()).as(r.all()).isZero();
    String expected = "(42, Decimal('2.50'), 0.1, True, datetime.date(2024, 2, 29), "
        + "datetime.datetime(2024, 2, 29, 12, 34, 56, 789012), datetime.timedelta(days=3), None, '日本語のテキスト', "
        + "Decimal('-12345678.9012'))";
    assertThat(r.out()).contains("text " + expected, "binary " + expected,
        "named " + TestHome.rawRows(f.gateway, "SELECT count(*) FROM diagnosis").get(0).trim(), "typeinfo 1700",
        "prefecture " + TestHome.rawRows(f.gateway, "SELECT prefecture FROM patient ORDER BY person_id LIMIT 1").get(0).trim());
  }

  @Test
  void rDbiConnectsListsQueriesAndGetsRefusalsAsErrors() throws Exception {
    String script = """
        suppressMessages(library(DBI))
        con <- dbConnect(RPostgreSQL::PostgreSQL(), host = "127.0.0.1", port = as.integer(Sys.getenv("PGPORT")),
                         user = Sys.getenv("PGUSER"), password = Sys.getenv("PGPASSWORD"), dbname = "p1")
        cat("tables", sort(dbListTables(con)), "\\n")
        cat("exists", dbExistsTable(con, "patient"), dbExistsTable(con, "pg_class"), "\\n")
        cat("fields", dbListFields(con, "clinical_note"), "\\n")
        d <- dbGetQuery(con, "SELECT sex, count(*) AS n FROM patient GROUP BY sex ORDER BY sex")
        cat("frame", class(d), nrow(d), paste(d$sex, d$n, sep = "=", collapse = ","), "\\n")
        r <- tryCatch({ dbSendQuery(con, "SELECT text FROM clinical_note"); "accepted" },
                      error = function(e) paste("error", conditionMessage(e)))
        cat("refusal", r, "\\n")
        invisible(dbDisconnect(con))
        """;
    PgWireFixture.Run r = f.r(remote, PW, script);
    assertThat(r.exit()).as(r.all()).isZero();
    StringBuilder frame = new StringBuilder();
    for (String row : TestHome.rawRows(f.gateway, "SELECT sex, count(*) FROM patient GROUP BY sex ORDER BY sex")) {
      String[] v = row.split("\t");
      frame.append(frame.length() == 0 ? "" : ",").append(v[0]).append('=').append(v[1]);
    }
    assertThat(r.out()).contains("tables allergy clinical_note diagnosis dpc_admission encounter lab_result medication patient", "exists TRUE FALSE",
        "frame data.frame 2 " + frame, "refusal error", "GW-COLUMN-DENIED");
    assertThat(r.out()).containsPattern("fields note_id person_id encounter_id note_date note_type\\s*\\n");
  }
}
