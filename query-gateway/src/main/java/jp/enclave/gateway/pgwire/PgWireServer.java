package jp.enclave.gateway.pgwire;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import jp.enclave.gateway.core.Gateway;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The PostgreSQL wire protocol (3.0) endpoint of one project's gateway, on loopback only, beside
 * Flight SQL and over the same core. One platform thread per connection, capped in total and per
 * source address (extras get an ErrorResponse 53300 and are closed, audited); startup and
 * authentication must finish within {@link Config#startupTimeout}. CancelRequests are matched by
 * process id and secret key (compared in constant time) and stop the running DuckDB query.
 */
public final class PgWireServer implements AutoCloseable {
  /** Limits and TLS. {@code sslContext} null: SSLRequest is answered 'N'. */
  public record Config(int maxConnections, int maxConnectionsPerSource, Duration startupTimeout,
      SSLContext sslContext, boolean cleartextOverTls) {
    public static Config defaults() {
      return new Config(64, 32, Duration.ofSeconds(10), null, false);
    }

    public Config withTls(SSLContext context, boolean cleartext) {
      return new Config(maxConnections, maxConnectionsPerSource, startupTimeout, context, cleartext);
    }

    public Config withLimits(int total, int perSource) {
      return new Config(total, perSource, startupTimeout, sslContext, cleartextOverTls);
    }
  }

  private final Gateway gateway;
  private final PgCredentials credentials;
  private final Config config;
  private final ServerSocket listener;
  private final PgCatalog catalog;
  private final BufferAllocator allocator;
  private final Thread acceptor;
  private final Map<Integer, PgConnection> connections = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> perSource = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger nextPid = new AtomicInteger(1000);
  private final SecureRandom random = new SecureRandom();
  private final byte[] decoySecret = new byte[32];
  private volatile boolean closed;

  private PgWireServer(Gateway gateway, PgCredentials credentials, Config config, ServerSocket listener,
      BufferAllocator allocator) {
    this.gateway = gateway;
    this.credentials = credentials;
    this.config = config;
    this.listener = listener;
    this.allocator = allocator;
    this.catalog = new PgCatalog(gateway, Clock.systemUTC());
    random.nextBytes(decoySecret);
    this.acceptor = new Thread(this::accept, "pgwire-accept-" + gateway.projectId());
    acceptor.setDaemon(true);
  }

  /** Starts listening on {@code host:port} (0 picks a free port); refuses a non-loopback host. */
  public static PgWireServer start(Gateway gateway, PgCredentials credentials, String host, int port, Config config,
      BufferAllocator parent) throws IOException {
    InetAddress address = InetAddress.getByName(host);
    if (!address.isLoopbackAddress()) {
      throw new IllegalArgumentException("the gateway listens on loopback only, not " + host);
    }
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(address, port), 128);
    PgWireServer server = new PgWireServer(gateway, credentials, config, socket,
        parent.newChildAllocator("pgwire", 0, Long.MAX_VALUE));
    server.acceptor.start();
    gateway.auditEvent("pgwire.listening", Map.of("project", gateway.projectId(), "port", socket.getLocalPort(),
        "tls", config.sslContext() != null));
    return server;
  }

  public int port() {
    return listener.getLocalPort();
  }

  Gateway gateway() {
    return gateway;
  }

  PgCredentials credentials() {
    return credentials;
  }

  Config config() {
    return config;
  }

  SSLContext sslContext() {
    return config.sslContext();
  }

  PgCatalog catalog() {
    return catalog;
  }

  byte[] decoySecret() {
    return decoySecret;
  }

  private void accept() {
    while (!closed) {
      Socket s;
      try {
        s = listener.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      String source = s.getInetAddress().getHostAddress();
      AtomicInteger fromSource = perSource.computeIfAbsent(source, k -> new AtomicInteger());
      if (open.incrementAndGet() > config.maxConnections()) {
        open.decrementAndGet();
        refuse(s, source, "the gateway has " + config.maxConnections() + " connections open", "gateway_full");
        continue;
      }
      if (fromSource.incrementAndGet() > config.maxConnectionsPerSource()) {
        fromSource.decrementAndGet();
        open.decrementAndGet();
        refuse(s, source, "your address has " + config.maxConnectionsPerSource() + " connections open",
            "source_full");
        continue;
      }
      int pid = nextPid.incrementAndGet();
      PgConnection c = new PgConnection(this, s, pid, random.nextInt(), allocator);
      connections.put(pid, c);
      Thread t = new Thread(c, "pgwire-" + pid);
      t.setDaemon(true);
      t.start();
    }
  }

  /** Too many connections: ErrorResponse 53300 without reading anything, then close; audited. */
  private void refuse(Socket s, String source, String why, String reason) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("project", gateway.projectId());
    data.put("source", source);
    data.put("reason", reason);
    gateway.auditEvent("pgwire.connection-refused", data);
    try (s) {
      s.setSoTimeout(1000);
      OutputStream o = s.getOutputStream();
      PgWriter w = new PgWriter(o);
      w.error('E', "FATAL", "53300", "GW-TOO-MANY-CONNECTIONS: " + why + "; close some and try again", 0, null);
      w.flush();
    } catch (IOException e) {
      // the client went away
    }
  }

  void closed(PgConnection c, String source) {
    for (var e : connections.entrySet()) {
      if (e.getValue() == c && connections.remove(e.getKey(), c)) {
        open.decrementAndGet();
        AtomicInteger n = perSource.get(source);
        if (n != null) {
          n.decrementAndGet();
        }
      }
    }
  }

  /** Stops the query of the connection {@code pid} if {@code key} is its secret; audited either way. */
  void cancel(int pid, int key, String source) {
    PgConnection c = connections.get(pid);
    boolean matched = c != null && MessageDigest.isEqual(bytes(c.secretKey()), bytes(key));
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("project", gateway.projectId());
    data.put("source", source);
    data.put("backendPid", pid);
    data.put("matched", matched);
    gateway.auditEvent("pgwire.cancel-requested", data);
    if (matched) {
      c.cancel();
    }
  }

  /** A failed authentication: slows the next attempt a little (brute force over loopback). */
  void authFailed(String source) {
    try {
      Thread.sleep(200 + random.nextInt(100));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static byte[] bytes(int v) {
    return java.nio.ByteBuffer.allocate(4).putInt(v).array();
  }

  /** Open connections (tests). */
  int openConnections() {
    return open.get();
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    try {
      acceptor.join(2000);
      // Open connections end: their sockets close, their queries are closed (and audited) by their threads.
      for (PgConnection c : connections.values()) {
        c.shutdown();
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!connections.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    allocator.close();
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
