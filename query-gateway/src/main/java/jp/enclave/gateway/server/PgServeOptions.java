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
 * given: {@code --pg-sessions} (a folder of tokens), or, following the enclave server, the
 * server's session feed when {@code --pg-port} is given. It listens on loopback port 54329 unless
 * told otherwise, and {@code --pg-port 0} turns it off.
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
      if (folder != null) {
        folder.close();
      }
    }
  }

  /**
   * The sessions that may connect over PostgreSQL, if the endpoint is wanted: with
   * {@code followsServer}, the server's feed registers them (a port must be asked for); otherwise
   * {@code --pg-sessions}. Null when the endpoint is off.
   */
  SessionRegistry registry(Gateway gateway, TokenVerifier verifier, boolean followsServer) {
    int p = port == null ? DEFAULT_PORT : port;
    boolean wanted = sessions != null ? p != 0 : followsServer && port != null && port != 0;
    if (!wanted) {
      if (port != null && port != 0) {
        throw new IllegalArgumentException("--pg-port needs --pg-sessions (the sessions that may connect)");
      }
      return null;
    }
    return new SessionRegistry(verifier, gateway, Clock.systemUTC());
  }

  /** Starts the endpoint over {@code registry} (from {@link #registry}); null when that is null. */
  Running start(Gateway gateway, SessionRegistry registry, String host,
      org.apache.arrow.memory.BufferAllocator allocator) throws java.io.IOException {
    if (registry == null) {
      return null;
    }
    int p = port == null ? DEFAULT_PORT : port;
    if (sessions != null && !Files.isDirectory(sessions)) {
      throw new IllegalArgumentException("--pg-sessions " + sessions + " is not a folder");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("--pg-tls-cert and --pg-tls-key go together");
    }
    PgWireServer.Config config = PgWireServer.Config.defaults().withLimits(maxConnections, maxPerSource);
    if (tlsCert != null) {
      config = config.withTls(PgTls.context(tlsCert, tlsKey), cleartextOverTls);
    }
    TokenFolder folder = sessions == null ? null : new TokenFolder(sessions, registry, Duration.ofSeconds(1));
    return new Running(PgWireServer.start(gateway, registry, host, p, config, allocator), folder);
  }
}
