package jp.enclave.gateway.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jp.enclave.gateway.TestHome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL endpoint as an attacker uses it: the hostile corpus
 * ({@code corpus/pgwire-hostile.txt}, every line refused with its code and SQLSTATE), catalog
 * questions about columns the session may not read, wrong and foreign credentials, expired and
 * removed sessions (new connections refused, open ones refused at their next query).
 */
class PgWireAttackTest {
  private static PgWireFixture f;
  private static final String PW = "pw-Mallory-93c1";
  private static String remote;

  @BeforeAll
  static void start() {
    f = new PgWireFixture();
    remote = f.session("sess-mallory-remote", "mallory", "remote", PW);
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void everyHostileStatementIsRefusedWithItsCode() throws Exception {
    Path corpus = Path.of(PgWireAttackTest.class.getResource("/corpus/pgwire-hostile.txt").toURI());
    List<String> expected = new ArrayList<>();
    List<String> statements = new ArrayList<>();
    for (String line : Files.readAllLines(corpus)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] p = line.split("\t", 3);
      expected.add(p[0] + " " + p[1] + " " + p[2]);
      statements.add(p[2]);
    }
    Path input = f.dir.resolve("hostile.txt");
    Files.write(input, statements);
    String script = """
        import os, psycopg2
        c = psycopg2.connect(os.environ['DSN'])
        c.autocommit = True
        cur = c.cursor()
        for sql in open(os.environ['INPUT'], encoding='utf-8').read().splitlines():
            try:
                cur.execute(sql)
                print('ACCEPTED - ' + sql)
            except psycopg2.Error as e:
                code = e.pgerror.split('ERROR:', 1)[1].strip().split(':')[0] if e.pgerror else '?'
                print(code + ' ' + str(e.pgcode) + ' ' + sql)
        """;
    PgWireFixture.Run r = PgWireFixture.run(Map.of("DSN", f.conninfo(remote) + " password=" + PW,
        "INPUT", input.toString()), PgWireFixture.PYTHON, "-c", script);
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out().lines().toList()).containsExactlyElementsOf(expected);
    assertThat(Files.exists(Path.of("/tmp/pgwire-out"))).isFalse();
  }

  @Test
  void catalogQuestionsNeverShowUnreadableColumns() {
    // RPostgreSQL's dbListFields text, psql's \d, asked about free text from a remote session.
    PgWireFixture.Run r = f.python(remote, PW, """
        import os, psycopg2
        c = psycopg2.connect(os.environ['DSN'])
        cur = c.cursor()
        cur.execute("select a.attname from pg_attribute a, pg_class c, pg_tables t, pg_namespace nsp where a.attrelid = c.oid and c.relname = tablename and c.relnamespace = nsp.oid and a.attnum > 0 and nspname = current_schema() and schemaname = nspname and tablename = 'clinical_note'")
        print('fields', [x[0] for x in cur.fetchall()])
        """);
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out()).contains("fields ['note_id', 'person_id', 'encounter_id', 'note_date', 'note_type']");
    PgWireFixture.Run d = f.psql(remote, PW, "-c", "\\d clinical_note");
    assertThat(d.out()).doesNotContain(" text ");
    assertThat(f.audit("catalog.listed", x -> x.path("session").asText().equals(remote)
        && x.path("hiddenColumns").path("clinical_note").toString().contains("text"))).isNotEmpty();
  }

  @Test
  void wrongPasswordUnknownSessionAndForeignProjectAreRefusedAndAudited() throws Exception {
    PgWireFixture.Run wrong = f.psql(remote, "not-the-password", "-c", "SELECT 1");
    assertThat(wrong.exit()).isNotZero();
    assertThat(wrong.err()).contains("password authentication failed");
    PgWireFixture.Run unknown = f.psql("sess-nobody", PW, "-c", "SELECT 1");
    assertThat(unknown.err()).contains("password authentication failed");
    f.awaitAudit("pgwire.auth-failed", d -> d.path("pgUser").asText().equals("sess-nobody")
        && d.path("reason").asText().equals("no live session with this id"));
    f.awaitAudit("pgwire.auth-failed", d -> d.path("pgUser").asText().equals(remote)
        && d.path("reason").asText().equals("wrong password"));
    // A valid token of another project is refused when the source offers it.
    f.write("foreign", f.token("sess-foreign", "mallory", TestHome.OTHER_PROJECT, "remote", PW, Duration.ofHours(1)));
    f.awaitAudit("pgwire.session-refused", d -> d.path("code").asText().equals("GW-TOKEN-WRONG-PROJECT"));
    assertThat(f.psql("sess-foreign", PW, "-c", "SELECT 1").err()).contains("password authentication failed");
    // A token without a PostgreSQL verifier cannot open a connection either.
    f.write("noverifier", jp.enclave.gateway.token.SessionTokens.issue(f.signing,
        new jp.enclave.gateway.token.SessionTokens.Claims("mallory", TestHome.PROJECT, "remote", List.of("researcher"),
            "org-1", "type2", java.time.Instant.now().plus(Duration.ofDays(9)), "sess-noverifier"),
        java.time.Instant.now(), Duration.ofHours(1)));
    f.awaitAudit("pgwire.session-refused", d -> d.path("reason").asText().contains("no PostgreSQL password verifier"));
  }

  @Test
  void aSessionRemovedOrExpiredMidConnectionHasItsNextQueryRefused() throws Exception {
    String sid = f.session("sess-leaving", "mallory", "remote", PW);
    Path flag = f.dir.resolve("removed.flag");
    String script = """
        import os, time, psycopg2
        c = psycopg2.connect(os.environ['DSN'])
        c.autocommit = True
        cur = c.cursor()
        cur.execute("SELECT count(*) FROM patient")
        print('first', cur.fetchone()[0], flush=True)
        while not os.path.exists(os.environ['FLAG']):
            time.sleep(0.05)
        try:
            cur.execute("SELECT count(*) FROM patient")
            print('second accepted')
        except psycopg2.Error as e:
            print('second refused', ' | '.join(str(e).strip().splitlines()))
        """;
    Thread remover = new Thread(() -> {
      try {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (f.audit("query.finished", d -> d.path("session").asText().equals(sid)).isEmpty()
            && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        f.removeSession(sid);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        try {
          Files.writeString(flag, "x");
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    });
    remover.start();
    PgWireFixture.Run r = PgWireFixture.run(Map.of("DSN", f.conninfo(sid) + " password=" + PW, "FLAG", flag.toString()),
        PgWireFixture.PYTHON, "-c", script);
    remover.join();
    assertThat(r.out()).as(r.all()).contains("first " + TestHome.patients(), "second refused", "GW-SESSION-ENDED");
    f.awaitAudit("pgwire.session-removed", d -> d.path("session").asText().equals(sid));
    f.awaitAudit("pgwire.session-ended", d -> d.path("session").asText().equals(sid));
    assertThat(f.psql(sid, PW, "-c", "SELECT 1").err()).contains("password authentication failed");

    // Expiry: a session valid for a few seconds stops working on its open connection.
    f.write("short", f.token("sess-short", "mallory", TestHome.PROJECT, "remote", PW, Duration.ofSeconds(4)));
    PgWireFixture.Run expiring = f.python("sess-short", PW, """
        import os, time, psycopg2
        c = psycopg2.connect(os.environ['DSN'])
        c.autocommit = True
        cur = c.cursor()
        cur.execute("SELECT 42")
        print('before', cur.fetchone()[0])
        time.sleep(5)
        try:
            cur.execute("SELECT 42")
            print('after accepted')
        except psycopg2.Error as e:
            print('after refused', ' | '.join(str(e).strip().splitlines()))
        """);
    assertThat(expiring.out()).as(expiring.all()).contains("before 42", "after refused", "GW-SESSION-ENDED");
  }
}
