package jp.enclave.gateway.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
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
 * The protocol itself, byte by byte: bad input closes only the offending connection with an
 * ErrorResponse (audited) while everyone else is served; protocol versions; connection floods;
 * CancelRequest from another connection stopping DuckDB; row limits with PortalSuspended;
 * transaction states; TLS with a configured certificate.
 */
class PgWireProtocolTest {
  private static PgWireFixture f;
  private static final String PW = "pw-Proto-11aa";
  private static String sid;

  @BeforeAll
  static void start() {
    f = new PgWireFixture(TestHome.config(), PgWireServer.Config.defaults().withLimits(12, 6));
    sid = f.session("sess-proto", "bob", "remote", PW);
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  /** The server's one answer to {@code bytes} on a fresh connection: its first message (an error here). */
  private static PgRawClient.Message answer(byte[] bytes) throws IOException {
    try (PgRawClient c = new PgRawClient(f.server.port())) {
      c.raw(bytes);
      return c.read();
    }
  }

  private static void stillServes() throws IOException {
    try (PgRawClient c = new PgRawClient(f.server.port())) {
      c.login(sid, PW);
      c.query("SELECT 1 + 1");
      PgRawClient.Message row = c.until('D');
      assertThat(new String(row.body(), 6, 1, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("2");
      c.until('Z');
    }
  }

  @Test
  void badStartupsGetAnErrorAndTheGatewayKeepsServing() throws Exception {
    assertThat(answer(PgRawClient.startup(PgMessages.PROTOCOL_3_0, "database", "p1")).fields())
        .containsEntry('C', "28000").containsEntry('S', "FATAL");
    assertThat(answer(PgRawClient.startup(4 << 16, "user", sid)).fields()).containsEntry('C', "0A000");
    assertThat(answer(ByteBuffer.allocate(8).putInt(3).putInt(PgMessages.PROTOCOL_3_0).array()).fields())
        .containsEntry('C', "08P01");
    assertThat(answer(ByteBuffer.allocate(8).putInt(2 << 20).putInt(PgMessages.PROTOCOL_3_0).array()).fields())
        .containsEntry('C', "08P01");
    // A newer minor version: NegotiateProtocolVersion, then authentication as usual.
    try (PgRawClient c = new PgRawClient(f.server.port())) {
      c.raw(PgRawClient.startup((3 << 16) | 2, "user", sid, "_pq_.future", "x"));
      PgRawClient.Message v = c.read();
      assertThat(v.type()).isEqualTo('v');
      assertThat(v.int32(0)).isZero();
      assertThat(v.int32(4)).isEqualTo(1);
      assertThat(c.read().type()).isEqualTo('R');
    }
    // SSLRequest and GSSENCRequest without TLS configured: 'N', then a normal startup.
    try (PgRawClient c = new PgRawClient(f.server.port())) {
      c.raw(ByteBuffer.allocate(8).putInt(8).putInt(PgMessages.GSSENC_REQUEST).array());
      assertThat(c.in.readUnsignedByte()).isEqualTo('N');
      c.raw(ByteBuffer.allocate(8).putInt(8).putInt(PgMessages.SSL_REQUEST).array());
      assertThat(c.in.readUnsignedByte()).isEqualTo('N');
    }
    // Truncated: a length promising more than is sent, then the client hangs up.
    try (PgRawClient c = new PgRawClient(f.server.port())) {
      c.raw(ByteBuffer.allocate(6).putInt(100).putShort((short) 3).array());
    }
    f.awaitAudit("pgwire.protocol-error", d -> d.path("reason").asText().contains("startup without a user name"));
    f.awaitAudit("pgwire.protocol-error", d -> d.path("reason").asText().contains("unsupported protocol 4.0"));
    stillServes();
  }

  @Test
  void malformedAndOversizedMessagesAfterLoginCloseOnlyThatConnection() throws Exception {
    List<byte[]> bad = List.of(
        PgRawClient.message('Z', new byte[0]),                               // a backend-only type
        ByteBuffer.allocate(5).put((byte) 'Q').putInt(2).array(),             // length below 4
        ByteBuffer.allocate(5).put((byte) 'Q').putInt(8 << 20).array(),       // over the 1 MiB cap
        PgRawClient.message('Q', "SELECT 1".getBytes()),                     // no terminating zero
        PgRawClient.message('B', new byte[] {0, 0, 0, 5}),                   // counts overrunning the body
        PgRawClient.message('Q', new byte[] {(byte) 0xC3, 0x28, 0}));        // not UTF-8
    List<String> states = new ArrayList<>();
    for (byte[] b : bad) {
      try (PgRawClient c = new PgRawClient(f.server.port())) {
        c.login(sid, PW);
        c.raw(b);
        PgRawClient.Message m = c.read();
        states.add(m.fields().get('C'));
        assertThat(m.fields().get('S')).isEqualTo("FATAL");
        try {
          c.read();
          throw new AssertionError("the connection stayed open");
        } catch (EOFException | java.net.SocketException closed) {
          // closed, as it should be
        }
      }
    }
    assertThat(states).containsExactly("08P01", "08P01", "54000", "08P01", "08P01", "22021");
    stillServes();
  }

  @Test
  void aFloodOfConnectionsIsCappedAndAudited() throws Exception {
    List<PgRawClient> held = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        held.add(new PgRawClient(f.server.port()));
      }
      Thread.sleep(200);
      PgRawClient.Message refused = answer(PgRawClient.startup(PgMessages.PROTOCOL_3_0, "user", sid));
      assertThat(refused.fields()).containsEntry('C', "53300");
      assertThat(refused.fields().get('M')).startsWith("GW-TOO-MANY-CONNECTIONS");
      f.awaitAudit("pgwire.connection-refused", d -> d.path("reason").asText().equals("source_full"));
    } finally {
      for (PgRawClient c : held) {
        c.close();
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (f.server.openConnections() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    stillServes();
  }

  @Test
  void cancelFromAnotherConnectionStopsTheRunningQuery() throws Exception {
    try (PgRawClient c = new PgRawClient(f.server.port())) {
      c.login(sid, PW);
      c.query("SELECT count(*) FROM diagnosis a, diagnosis b, diagnosis c, diagnosis d");
      f.awaitAudit("query.accepted", d -> d.path("sql").asText().contains("diagnosis d"));
      Thread.sleep(300);
      long t0 = System.nanoTime();
      try (PgRawClient other = new PgRawClient(f.server.port())) {
        other.raw(ByteBuffer.allocate(16).putInt(16).putInt(PgMessages.CANCEL_REQUEST).putInt(c.pid).putInt(c.key).array());
      }
      PgRawClient.Message error = c.until('E');
      assertThat(error.fields()).containsEntry('C', "57014");
      assertThat(error.fields().get('M')).startsWith("GW-CANCELLED");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
      assertThat((char) c.until('Z').body()[0]).isEqualTo('I');
      // A wrong key stops nothing and is audited as unmatched.
      try (PgRawClient other = new PgRawClient(f.server.port())) {
        other.raw(ByteBuffer.allocate(16).putInt(16).putInt(PgMessages.CANCEL_REQUEST).putInt(c.pid).putInt(c.key + 1).array());
      }
      f.awaitAudit("pgwire.cancel-requested", d -> !d.path("matched").asBoolean());
    }
    f.awaitAudit("query.finished", d -> d.path("outcome").asText().equals("cancelled"));
  }

  @Test
  void extendedProtocolRowLimitsSuspendThePortalAndTransactionsReportTheirState() throws Exception {
    try (PgRawClient c = new PgRawClient(f.server.port())) {
      c.login(sid, PW);
      c.query("BEGIN");
      assertThat((char) c.until('Z').body()[0]).isEqualTo('T');
      ByteBuffer bind = ByteBuffer.allocate(64);
      bind.put(PgRawClient.cstrings("", "s1")).putShort((short) 1).putShort((short) 0).putShort((short) 1)
          .putInt(2).put("10".getBytes()).putShort((short) 0);
      byte[] bindBody = new byte[bind.position()];
      bind.get(0, bindBody);
      ByteBuffer parse = ByteBuffer.allocate(256);
      parse.put(PgRawClient.cstrings("s1", "SELECT person_id FROM patient ORDER BY person_id LIMIT $1"))
          .putShort((short) 1).putInt(20);
      byte[] parseBody = new byte[parse.position()];
      parse.get(0, parseBody);
      c.raw(PgRawClient.message('P', parseBody));
      c.raw(PgRawClient.message('B', bindBody));
      c.raw(PgRawClient.message('E', ByteBuffer.allocate(5).put((byte) 0).putInt(4).array()));
      c.raw(PgRawClient.message('H', new byte[0]));
      assertThat(c.read().type()).isEqualTo('1');
      assertThat(c.read().type()).isEqualTo('2');
      int rows = 0;
      PgRawClient.Message m;
      while ((m = c.read()).type() == 'D') {
        rows++;
      }
      assertThat(rows).isEqualTo(4);
      assertThat(m.type()).isEqualTo('s');
      c.raw(PgRawClient.message('E', ByteBuffer.allocate(5).put((byte) 0).putInt(0).array()));
      c.raw(PgRawClient.message('S', new byte[0]));
      while ((m = c.read()).type() == 'D') {
        rows++;
      }
      assertThat(rows).isEqualTo(10);
      assertThat(new String(m.body(), 0, m.body().length - 1)).isEqualTo("SELECT 10");
      assertThat((char) c.until('Z').body()[0]).isEqualTo('T');
      c.query("SELECT text FROM clinical_note");
      assertThat(c.until('E').fields()).containsEntry('C', "42501");
      assertThat((char) c.until('Z').body()[0]).isEqualTo('E');
      c.query("SELECT 1");
      assertThat(c.until('E').fields()).containsEntry('C', "25P02");
      c.until('Z');
      c.query("ROLLBACK");
      assertThat((char) c.until('Z').body()[0]).isEqualTo('I');
    }
  }

  @Test
  void tlsWithAConfiguredCertificateForPsql() throws Exception {
    Path dir = Files.createTempDirectory("pgtls");
    PgWireFixture.Run gen = PgWireFixture.run(Map.of(), "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:P-256", "-nodes", "-keyout", dir.resolve("key.pem").toString(), "-out",
        dir.resolve("cert.pem").toString(), "-days", "1", "-subj", "/CN=127.0.0.1");
    assertThat(gen.exit()).as(gen.all()).isZero();
    javax.net.ssl.SSLContext tls = PgTls.context(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    for (boolean cleartext : new boolean[] {false, true}) {
      try (PgWireServer server = PgWireServer.start(f.gateway, f.registry, "127.0.0.1", 0,
          PgWireServer.Config.defaults().withTls(tls, cleartext), f.allocator)) {
        String conninfo = "host=127.0.0.1 port=" + server.port() + " user=" + sid + " dbname=p1 sslmode=require";
        PgWireFixture.Run r = PgWireFixture.run(Map.of("PGPASSWORD", PW), "psql", "-X", "-A", "-t", conninfo,
            "-c", "SELECT count(*) FROM patient");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out().trim()).isEqualTo(String.valueOf(TestHome.patients()));
        PgWireFixture.Run wrong = PgWireFixture.run(Map.of("PGPASSWORD", "wrong"), "psql", "-X", conninfo, "-c", "SELECT 1");
        assertThat(wrong.err()).contains("password authentication failed");
      }
      String method = cleartext ? "password" : "scram-sha-256";
      f.awaitAudit("pgwire.authenticated", d -> d.path("tls").asBoolean() && d.path("method").asText().equals(method));
    }
  }
}
