package jp.enclave.gateway.pgwire;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jp.enclave.gateway.GatewayFixture;
import jp.enclave.gateway.TestHome;
import jp.enclave.gateway.core.GatewayConfig;
import jp.enclave.gateway.token.SessionTokens;
import jp.enclave.gateway.token.TokenVerifier;

/**
 * One project's gateway ({@link GatewayFixture}: test extract, audit trail, signing key) served over the PostgreSQL protocol
 * on a free loopback port, sessions fed from a folder of token files as {@code serve} does, the
 * real Debian clients (psql, Python's psycopg2/psycopg, R) run as processes, and the audit trail.
 */
final class PgWireFixture extends GatewayFixture {
  static final String PYTHON = "/usr/bin/python3";
  static final String RSCRIPT = "/usr/bin/Rscript";

  final Path sessions;
  final SessionRegistry registry;
  final TokenFolder folder;
  final PgWireServer server;

  /** A client's run: exit code and what it printed. */
  record Run(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  PgWireFixture(GatewayConfig config, PgWireServer.Config serverConfig) {
    super("pgwire", TestHome.PROJECT, config, Duration.ofSeconds(60));
    try {
      sessions = Files.createDirectories(dir.resolve("sessions"));
      TokenVerifier verifier = new TokenVerifier(SessionTokens.publicJwkSet(signing), TestHome.PROJECT, Clock.systemUTC());
      registry = new SessionRegistry(verifier, gateway, Clock.systemUTC());
      folder = new TokenFolder(sessions, registry, Duration.ofMillis(200));
      server = PgWireServer.start(gateway, registry, "127.0.0.1", 0, serverConfig, allocator);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  PgWireFixture() {
    this(TestHome.config(), PgWireServer.Config.defaults());
  }

  /** A token for {@code sessionId} whose PostgreSQL password is {@code password}. */
  String token(String sessionId, String user, String project, String kind, String password, Duration ttl) {
    return SessionTokens.issue(signing, new SessionTokens.Claims(user, project, kind, List.of("researcher"), "org-1",
        "type2", Instant.now().plus(Duration.ofDays(365)), sessionId, ScramSha256.newVerifier(password)),
        Instant.now(), ttl);
  }

  /** Writes a session's token file and applies it at once; returns the session id. */
  String session(String sessionId, String user, String kind, String password) {
    write(sessionId, token(sessionId, user, TestHome.PROJECT, kind, password, Duration.ofHours(1)));
    return sessionId;
  }

  void write(String file, String token) {
    try {
      Files.writeString(sessions.resolve(file + ".token"), token);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    folder.scan();
  }

  void removeSession(String file) {
    try {
      Files.deleteIfExists(sessions.resolve(file + ".token"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    folder.scan();
  }

  String conninfo(String user) {
    return "host=127.0.0.1 port=" + server.port() + " user=" + user + " dbname=p1 sslmode=disable";
  }

  /** Runs a client process with PGPASSWORD set; fails the test after 120 s. */
  static Run run(Map<String, String> env, String... command) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.environment().putAll(env);
      pb.environment().put("PGCONNECT_TIMEOUT", "20");
      pb.environment().put("LANG", "C.UTF-8");
      Path out = Files.createTempFile("pgclient", ".out");
      Path err = Files.createTempFile("pgclient", ".err");
      pb.redirectOutput(out.toFile());
      pb.redirectError(err.toFile());
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("client did not finish in 120 s: " + String.join(" ", command));
      }
      Run r = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
      Files.delete(out);
      Files.delete(err);
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  Run psql(String user, String password, String... args) {
    List<String> cmd = new ArrayList<>(List.of("psql", "-X", "-v", "ON_ERROR_STOP=1", conninfo(user)));
    cmd.addAll(List.of(args));
    return run(Map.of("PGPASSWORD", password), cmd.toArray(String[]::new));
  }

  /** Runs a Python script (Debian's interpreter and modules) with DSN in the environment. */
  Run python(String user, String password, String script) {
    return run(Map.of("DSN", conninfo(user) + " password=" + password), PYTHON, "-c", script);
  }

  Run r(String user, String password, String script) {
    return run(Map.of("PGPORT", String.valueOf(server.port()), "PGUSER", user, "PGPASSWORD", password), RSCRIPT,
        "-e", script);
  }

  @Override
  public void close() {
    folder.close();
    server.close();
    super.close();
  }
}
