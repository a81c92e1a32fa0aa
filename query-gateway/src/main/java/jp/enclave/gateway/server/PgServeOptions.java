package jp.enclave.gateway.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import jp.enclave.gateway.core.Gateway;
import jp.enclave.gateway.pgwire.PgTls;
import jp.enclave.gateway.pgwire.PgWireServer;
import jp.enclave.gateway.pgwire.SessionRegistry;
import jp.enclave.gateway.pgwire.TokenFolder;
import jp.enclave.gateway.token.TokenVerifier;
import picocli.CommandLine.Option;

/**
 * {@code serve}'s PostgreSQL options. The PostgreSQL endpoint starts when a source of sessions is
 * given ({@code --pg-sessions}); it listens on loopback port 54329 unless told otherwise, and
 * {@code --pg-port 0} turns it off.
 */
final class PgServeOptions {
  static final int DEFAULT_PORT = 54329;

  @Option(names = "--pg-port", description = "PostgreSQL wire protocol port on the same host (default "
      + DEFAULT_PORT + " when --pg-sessions is given; 0 = off)")
  Integer port;
  @Option(names = "--pg-sessions", description = "folder of session token files (one token per file, re-read when"
      + " changed): the sessions that may connect over PostgreSQL")
  Path sessions;
  @Option(names = "--pg-tls-cert", description = "PEM certificate chain for PostgreSQL TLS (SSLRequest answered 'S')")
  Path tlsCert;
  @Option(names = "--pg-tls-key", description = "PKCS#8 PEM private key of --pg-tls-cert")
  Path tlsKey;
  @Option(names = "--pg-cleartext-over-tls", description = "ask TLS clients for the password itself instead of SCRAM")
  boolean cleartextOverTls;
  @Option(names = "--pg-max-connections", defaultValue = "64")
  int maxConnections;
  @Option(names = "--pg-max-connections-per-source", defaultValue = "32")
  int maxPerSource;

  /** Started PostgreSQL endpoint and its session source, closed together. */
  record Running(PgWireServer server, TokenFolder folder) implements AutoCloseable {
    @Override
    public void close() {
      server.close();
      folder.close();
    }
  }

  /** Starts the endpoint if asked for; null otherwise. */
  Running start(Gateway gateway, TokenVerifier verifier, String host,
      org.apache.arrow.memory.BufferAllocator allocator) throws java.io.IOException {
    int p = port == null ? DEFAULT_PORT : port;
    if (sessions == null || p == 0) {
      if (port != null && port != 0) {
        throw new IllegalArgumentException("--pg-port needs --pg-sessions (the sessions that may connect)");
      }
      return null;
    }
    if (!Files.isDirectory(sessions)) {
      throw new IllegalArgumentException("--pg-sessions " + sessions + " is not a folder");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("--pg-tls-cert and --pg-tls-key go together");
    }
    PgWireServer.Config config = PgWireServer.Config.defaults().withLimits(maxConnections, maxPerSource);
    if (tlsCert != null) {
      config = config.withTls(PgTls.context(tlsCert, tlsKey), cleartextOverTls);
    }
    SessionRegistry registry = new SessionRegistry(verifier, gateway, Clock.systemUTC());
    TokenFolder folder = new TokenFolder(sessions, registry, Duration.ofSeconds(1));
    return new Running(PgWireServer.start(gateway, registry, host, p, config, allocator), folder);
  }
}
