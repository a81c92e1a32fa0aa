package jp.enclave.gateway.server;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Set;
import jp.enclave.gateway.core.Gateway;
import jp.enclave.gateway.core.GatewayConfig;
import jp.enclave.gateway.link.ServerFollower;
import jp.enclave.gateway.link.ServerLink;
import jp.enclave.gateway.token.TokenVerifier;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Where {@code serve} takes its trust from: the enclave server (production; keys, project facts
 * and the sessions' liveness fetched and followed), or files (standalone and tests; sessions live
 * until their tokens expire). Exactly one of the two.
 */
final class TrustOptions {
  @ArgGroup(exclusive = false, heading = "Trust from the enclave server:%n")
  FromServer server;
  @ArgGroup(exclusive = false, heading = "Trust from files (standalone):%n")
  FromFiles files;

  static final class FromServer {
    @Option(names = "--server", required = true, description = "the enclave server's base URL (https, or http on loopback)")
    URI url;
    @Option(names = "--server-credential-file", required = true,
        description = "owner-only file holding this gateway's credential for the server's gateway endpoints")
    Path credential;
    @Option(names = "--server-grace-seconds", defaultValue = "60",
        description = "how long the gateway serves on what it last learnt when the server cannot be reached")
    long graceSeconds;
    @Option(names = "--server-start-seconds", defaultValue = "120", description = "how long to wait for the server at start")
    long startSeconds;
    @Option(names = "--parent-pid", description = "exit when this process (the server that started the gateway) ends")
    Long parentPid;
  }

  static final class FromFiles {
    @Option(names = "--jwks", required = true, description = "the enclave server's public JWK set (token verification)")
    Path jwks;
    @Option(names = "--approved-until", required = true, description = "end of the project's approval, YYYY-MM-DD")
    LocalDate approvedUntil;
    @Option(names = "--free-text-onsite", description = "the approval lets onsite sessions read free text")
    boolean freeTextOnsite;
  }

  /** The trust in effect: what the gateway is configured and verifies with, and what follows the server. */
  interface Trust extends AutoCloseable {
    GatewayConfig configure(GatewayConfig config);

    TokenVerifier verifier();

    /**
     * Once the gateway is open: start following the server (no-op for files). {@code tokens}
     * receives each open session's current token (for front ends that must know sessions first).
     */
    void follow(Gateway gateway, java.util.function.Consumer<String> tokens);

    @Override
    void close();
  }

  /** Whether the gateway follows the enclave server (rather than files). */
  boolean followsServer() {
    return server != null;
  }

  Trust open(String project) throws IOException {
    if ((server == null) == (files == null)) {
      throw new IllegalArgumentException("give either --server URL with --server-credential-file, or --jwks with --approved-until");
    }
    Clock clock = Clock.systemUTC();
    if (files != null) {
      TokenVerifier verifier = new TokenVerifier(Files.readString(files.jwks), project, clock);
      return new Trust() {
        public GatewayConfig configure(GatewayConfig c) {
          return c.withProjectApprovedUntil(files.approvedUntil.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC))
              .withFreeTextOnsite(files.freeTextOnsite);
        }

        public TokenVerifier verifier() {
          return verifier;
        }

        public void follow(Gateway gateway, java.util.function.Consumer<String> tokens) {}

        public void close() {}
      };
    }
    ServerLink link = new ServerLink(server.url, project, readCredential(server.credential));
    ServerFollower.Initial initial = ServerFollower.bootstrap(link, Duration.ofSeconds(server.startSeconds));
    TokenVerifier verifier = new TokenVerifier(initial.jwks(), project, clock);
    if (server.parentPid != null) {
      // Started by the server: when it ends, so does this gateway (its shutdown hook closes the extract).
      ProcessHandle.of(server.parentPid).ifPresentOrElse(
          p -> p.onExit().thenRun(() -> System.exit(0)),
          () -> System.exit(0));
    }
    return new Trust() {
      private ServerFollower follower;

      public GatewayConfig configure(GatewayConfig c) {
        return c.withProjectApprovedUntil(initial.facts().approvedUntil()).withFreeTextOnsite(initial.facts().freeTextOnsite());
      }

      public TokenVerifier verifier() {
        return verifier;
      }

      public void follow(Gateway gateway, java.util.function.Consumer<String> tokens) {
        follower = new ServerFollower(link, gateway, verifier,
            ServerFollower.Settings.defaults().withStaleAfter(Duration.ofSeconds(server.graceSeconds)),
            tokens, clock);
        follower.start();
      }

      public void close() {
        if (follower != null) {
          follower.close();
        }
      }
    };
  }

  /** The credential file must be the owner's only: anyone else who could read it could list the sessions' tokens. */
  static String readCredential(Path file) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
      throw new IllegalArgumentException("the credential file " + file + " must be readable by its owner only (chmod 600)");
    }
    return Files.readString(file).trim();
  }
}
