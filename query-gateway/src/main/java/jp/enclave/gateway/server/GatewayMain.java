package jp.enclave.gateway.server;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import jp.enclave.audit.AuditLog;
import jp.enclave.audit.VerifyAuditCli;
import jp.enclave.gateway.core.Gateway;
import jp.enclave.gateway.core.GatewayConfig;
import jp.enclave.gateway.flight.FlightGatewayServer;
import jp.enclave.gateway.token.SessionTokens;
import jp.enclave.gateway.token.TokenVerifier;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code query-gateway serve | verify-audit | dev-keys | dev-token}. */
@Command(name = "query-gateway", mixinStandardHelpOptions = true,
    subcommands = {GatewayMain.Serve.class, QueryCommand.class, VerifyAuditCli.class, GatewayMain.DevKeys.class,
        GatewayMain.DevToken.class},
    description = "The enclave's query gateway.")
public final class GatewayMain {
  public static void main(String[] args) {
    // JWT key types must be registered before any keyset is parsed, or Tink reads them as legacy keys.
    jp.enclave.gateway.token.SessionTokens.ensureRegistered();
    CommandLine cli = new CommandLine(new GatewayMain());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      return 2;
    });
    System.exit(cli.execute(args));
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = "Serve one project's sealed extract over Flight SQL on loopback.")
  static final class Serve implements Callable<Integer> {
    @Option(names = "--home", required = true, description = "data holder's home (extracts/, keys/extract/, kek/extract.kek)")
    Path home;
    @Option(names = "--project", required = true)
    String project;
    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1", heading = "%n")
    TrustOptions trust;
    @Option(names = "--audit", required = true, description = "append-only audit trail file")
    Path audit;
    @Option(names = "--host", defaultValue = "127.0.0.1")
    String host;
    @Option(names = "--port", defaultValue = "47470")
    int port;
    @Option(names = "--memory-limit", defaultValue = "4GB")
    String memoryLimit;
    @Option(names = "--threads", defaultValue = "2")
    int threads;
    @Option(names = "--timeout-seconds", defaultValue = "600")
    long timeoutSeconds;
    @Option(names = "--max-workers", defaultValue = "4",
        description = "execution worker processes, one per researcher up to this many (more isolation, less shared cache)")
    int maxWorkers;
    @Option(names = "--max-queries", defaultValue = "8", description = "queries running at once in the project")
    int maxQueries;
    @Option(names = "--max-queries-per-user", defaultValue = "4")
    int maxQueriesPerUser;
    @Option(names = "--max-queries-per-session", defaultValue = "3")
    int maxQueriesPerSession;
    @picocli.CommandLine.Mixin
    PgServeOptions pg = new PgServeOptions();

    @Override
    public Integer call() throws Exception {
      TrustOptions.Trust trusted = trust.open(project);
      GatewayConfig config = trusted.configure(GatewayConfig.defaults())
          .withMemoryLimit(memoryLimit)
          .withThreads(threads)
          .withQueryTimeout(Duration.ofSeconds(timeoutSeconds))
          .withMaxWorkers(maxWorkers)
          .withMaxConcurrentQueries(maxQueries)
          .withMaxQueriesPerUser(maxQueriesPerUser)
          .withMaxQueriesPerSession(maxQueriesPerSession);
      TokenVerifier verifier = trusted.verifier();
      RootAllocator allocator = new RootAllocator();
      Gateway gateway = Gateway.open(home, project, config, AuditLog.open(audit, config.auditSync()));
      // Over PostgreSQL a client presents no token, so the gateway must know the sessions first:
      // following the server, each open session's token comes with the feed.
      jp.enclave.gateway.pgwire.SessionRegistry pgSessions = pg.registry(gateway, verifier, trust.followsServer());
      trusted.follow(gateway, token -> {
        if (pgSessions != null) {
          pgSessions.register(token, "server");
        }
      });
      FlightGatewayServer server = FlightGatewayServer.start(gateway, verifier, host, port, allocator);
      PgServeOptions.Running pgServer = pg.start(gateway, pgSessions, host, allocator);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          if (pgServer != null) {
            pgServer.close();
          }
          server.close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          trusted.close();
          gateway.close();
          gateway.audit().close();
          allocator.close();
        }
      }, "gateway-shutdown"));
      System.out.println("query-gateway serving project " + project + " on grpc://" + host + ":" + server.port()
          + " (audit " + audit + ")");
      if (pgServer != null) {
        System.out.println("query-gateway serving project " + project + " over PostgreSQL on " + host + ":"
            + pgServer.server().port() + " (user = session id, sessions from "
            + (pg.sessions != null ? pg.sessions : "the enclave server") + ")");
      }
      server.awaitTermination();
      return 0;
    }
  }

  @Command(name = "dev-keys", mixinStandardHelpOptions = true,
      description = "Local demo only: create a token signing keyset (stand-in for the enclave server's) and its public JWK set.")
  static final class DevKeys implements Callable<Integer> {
    @Option(names = "--out", required = true)
    Path out;

    @Override
    public Integer call() throws Exception {
      Files.createDirectories(out);
      KeysetHandle signing = SessionTokens.newSigningKeyset();
      Path secret = out.resolve("token-signing.json");
      Files.writeString(secret, TinkJsonProtoKeysetFormat.serializeKeyset(signing, InsecureSecretKeyAccess.get()));
      Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
      Files.writeString(out.resolve("token-public.jwks"), SessionTokens.publicJwkSet(signing));
      System.out.println("wrote " + secret + " (keep outside the enclave's query side) and " + out.resolve("token-public.jwks"));
      return 0;
    }
  }

  @Command(name = "dev-token", mixinStandardHelpOptions = true,
      description = "Local demo only: issue a session token as the enclave server would.")
  static final class DevToken implements Callable<Integer> {
    @Option(names = "--keys", required = true, description = "folder written by dev-keys")
    Path keys;
    @Option(names = "--user", required = true)
    String user;
    @Option(names = "--project", required = true)
    String project;
    @Option(names = "--kind", defaultValue = "remote", description = "remote or onsite")
    String kind;
    @Option(names = "--roles", defaultValue = "researcher", split = ",")
    List<String> roles;
    @Option(names = "--org", defaultValue = "org-demo")
    String org;
    @Option(names = "--cert-type", defaultValue = "type2")
    String certType;
    @Option(names = "--cert-valid-until", defaultValue = "2030-03-31")
    LocalDate certValidUntil;
    @Option(names = "--hours", defaultValue = "8")
    long hours;
    @Option(names = "--pg-password", description = "embed the SCRAM-SHA-256 verifier of this PostgreSQL password"
        + " (the enclave server generates one per session); the PostgreSQL user is the session id")
    String pgPassword;
    @Option(names = "--session-id", description = "the session id (default: a random sess-<uuid>)")
    String sessionId;

    @Override
    public Integer call() throws Exception {
      KeysetHandle signing = TinkJsonProtoKeysetFormat.parseKeyset(
          Files.readString(keys.resolve("token-signing.json")), InsecureSecretKeyAccess.get());
      String verifier = pgPassword == null ? null : jp.enclave.gateway.pgwire.ScramSha256.newVerifier(pgPassword);
      System.out.println(SessionTokens.issue(signing, new SessionTokens.Claims(user, project, kind, roles, org, certType,
          certValidUntil.atStartOfDay().toInstant(ZoneOffset.UTC),
          sessionId != null ? sessionId : "sess-" + java.util.UUID.randomUUID(), verifier),
          Instant.now(), Duration.ofHours(hours)));
      return 0;
    }
  }
}
