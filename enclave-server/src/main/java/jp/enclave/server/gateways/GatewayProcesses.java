package jp.enclave.server.gateways;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The project gateways as operating-system processes, one per project: started on demand with a
 * fresh credential (written owner-only where the gateway reads it; only its hash is kept), kept
 * while the project has open sessions, stopped a grace period after the last one ends, restarted
 * after a crash with exponential backoff on the same port (the researchers' JDBC URLs name it).
 * Plain Java: the CDI manager feeds it the wanted projects and writes its events to the audit
 * trail.
 */
final class GatewayProcesses implements AutoCloseable {
  /** Starts one gateway process. */
  interface Starter {
    Process start(String project, int port, Path credentialFile) throws IOException;
  }

  /** Something that happened to a gateway, for the audit trail. */
  record Event(String event, String project, Map<String, Object> detail) {}

  /** A gateway as health and metrics show it. */
  record View(String project, State state, int port, long pid, int restarts, Instant since) {}

  enum State { STARTING, RUNNING, CRASHED, STOPPING }

  /** Restart delays after consecutive crashes: 1, 2, 4, … 60 s; a gateway up for 5 minutes starts again at 1 s. */
  static Duration backoff(int consecutiveCrashes) {
    long seconds = 1L << Math.min(Math.max(consecutiveCrashes - 1, 0), 6);
    return Duration.ofSeconds(Math.min(seconds, 60));
  }

  static final Duration STABLE_AFTER = Duration.ofMinutes(5);

  private static final class Managed {
    final String project;
    final int port;
    State state;
    Process process;
    String credentialSha256;
    Instant since;
    Instant idleSince;
    Instant restartAt;
    int consecutiveCrashes;
    int restarts;

    Managed(String project, int port) {
      this.project = project;
      this.port = port;
    }
  }

  private final Starter starter;
  private final Path credentials;
  private final Clock clock;
  private final Duration grace;
  private final IntSupplier freePort;
  private final Map<String, Managed> gateways = new HashMap<>();
  private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
  private final SecureRandom random = new SecureRandom();
  private boolean closed;

  GatewayProcesses(Starter starter, Path credentials, Clock clock, Duration grace, IntSupplier freePort) {
    this.starter = starter;
    this.credentials = credentials;
    this.clock = clock;
    this.grace = grace;
    this.freePort = freePort;
  }

  /** The project's gateway port, starting the gateway if it is not running. */
  synchronized int ensure(String project) {
    if (closed) {
      throw new IllegalStateException("the server is stopping");
    }
    Managed m = gateways.get(project);
    if (m == null) {
      m = new Managed(project, freePort.getAsInt());
      gateways.put(project, m);
      launch(m, "gateway.started");
    } else if (m.state == State.CRASHED) {
      // A researcher is waiting: do not sit out the rest of the backoff.
      launch(m, "gateway.restarted");
    }
    m.idleSince = null;
    return m.port;
  }

  /** Waits until the project's gateway accepts connections; false at the timeout or if it is not running. */
  boolean awaitReady(String project, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      int port;
      synchronized (this) {
        Managed m = gateways.get(project);
        if (m == null || m.state == State.STOPPING || m.state == State.CRASHED) {
          return false;
        }
        if (m.state == State.RUNNING) {
          return true;
        }
        port = m.port;
      }
      if (accepts(port)) {
        markRunning(project);
        return true;
      }
      sleep(100);
    }
    return false;
  }

  /**
   * One supervision round: starts the wanted projects' gateways that are not running, restarts
   * crashed ones whose backoff has passed, notices started ones that accept connections, and
   * stops those no longer wanted once the grace period has passed.
   */
  void reconcile(Set<String> wanted) {
    List<String> probe = new ArrayList<>();
    List<Managed> stop = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      Instant now = clock.instant();
      for (String p : wanted) {
        if (!gateways.containsKey(p)) {
          ensure(p);
        }
      }
      for (Managed m : List.copyOf(gateways.values())) {
        boolean isWanted = wanted.contains(m.project);
        if (isWanted) {
          m.idleSince = null;
        } else if (m.idleSince == null) {
          m.idleSince = now;
        }
        switch (m.state) {
          case CRASHED -> {
            if (!isWanted && !m.idleSince.plus(grace).isAfter(now)) {
              gateways.remove(m.project);
              events.add(new Event("gateway.stopped", m.project, detail(m, "no open session; it had crashed")));
            } else if (!m.restartAt.isAfter(now)) {
              launch(m, "gateway.restarted");
            }
          }
          case STARTING -> probe.add(m.project);
          case RUNNING -> {
            if (m.consecutiveCrashes > 0 && !m.since.plus(STABLE_AFTER).isAfter(now)) {
              m.consecutiveCrashes = 0;
            }
            if (!isWanted && !m.idleSince.plus(grace).isAfter(now)) {
              m.state = State.STOPPING;
              stop.add(m);
            }
          }
          case STOPPING -> { }
        }
      }
    }
    for (Managed m : stop) {
      stopProcess(m.process);
      synchronized (this) {
        gateways.remove(m.project);
        events.add(new Event("gateway.stopped", m.project, detail(m, "the project's last session ended")));
      }
    }
    for (String p : probe) {
      int port;
      synchronized (this) {
        Managed m = gateways.get(p);
        if (m == null || m.state != State.STARTING) {
          continue;
        }
        port = m.port;
      }
      if (accepts(port)) {
        markRunning(p);
      }
    }
  }

  /** Whether {@code presented} is the credential last given to the project's gateway (constant time). */
  synchronized boolean verify(String project, String presented) {
    Managed m = gateways.get(project);
    if (m == null || m.credentialSha256 == null || presented == null) {
      return false;
    }
    return MessageDigest.isEqual(sha256(presented).getBytes(StandardCharsets.US_ASCII),
        m.credentialSha256.getBytes(StandardCharsets.US_ASCII));
  }

  synchronized Integer port(String project) {
    Managed m = gateways.get(project);
    return m == null ? null : m.port;
  }

  /** Events since the last call, oldest first. */
  List<Event> drain() {
    List<Event> out = new ArrayList<>();
    for (Event e; (e = events.poll()) != null;) {
      out.add(e);
    }
    return out;
  }

  synchronized List<View> views() {
    return gateways.values().stream()
        .map(m -> new View(m.project, m.state, m.port, m.process == null ? -1 : m.process.pid(), m.restarts, m.since))
        .sorted(java.util.Comparator.comparing(View::project)).toList();
  }

  synchronized long running() {
    return gateways.values().stream().filter(m -> m.state == State.RUNNING).count();
  }

  /** Stops every gateway (the server is stopping). */
  @Override
  public void close() {
    List<Process> all = new ArrayList<>();
    synchronized (this) {
      closed = true;
      for (Managed m : gateways.values()) {
        m.state = State.STOPPING;
        if (m.process != null) {
          all.add(m.process);
        }
      }
    }
    all.forEach(GatewayProcesses::signalStop);
    all.forEach(p -> stopProcess(p));
  }

  private void launch(Managed m, String event) {
    String credential = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes());
    Path file = credentials.resolve(m.project + ".credential");
    try {
      writeOwnerOnly(file, credential);
      Process p = starter.start(m.project, m.port, file);
      boolean restart = m.process != null;
      m.process = p;
      m.credentialSha256 = sha256(credential);
      m.state = State.STARTING;
      m.since = clock.instant();
      if (restart) {
        m.restarts++;
      }
      Map<String, Object> d = detail(m, null);
      if (restart) {
        d.put("attempt", m.consecutiveCrashes);
      }
      events.add(new Event(event, m.project, d));
      p.onExit().thenAccept(exited -> exited(m, exited));
    } catch (IOException | RuntimeException e) {
      m.state = State.CRASHED;
      m.consecutiveCrashes++;
      m.restartAt = clock.instant().plus(backoff(m.consecutiveCrashes));
      Map<String, Object> d = detail(m, "could not start: " + e.getMessage());
      events.add(new Event("gateway.crashed", m.project, d));
    }
  }

  private synchronized void exited(Managed m, Process p) {
    if (m.process != p || m.state == State.STOPPING || closed) {
      return;
    }
    m.state = State.CRASHED;
    m.consecutiveCrashes++;
    Duration wait = backoff(m.consecutiveCrashes);
    m.restartAt = clock.instant().plus(wait);
    Map<String, Object> d = detail(m, null);
    d.put("exitCode", p.exitValue());
    d.put("restartInSeconds", wait.toSeconds());
    events.add(new Event("gateway.crashed", m.project, d));
  }

  private synchronized void markRunning(String project) {
    Managed m = gateways.get(project);
    if (m != null && m.state == State.STARTING) {
      m.state = State.RUNNING;
      events.add(new Event("gateway.ready", project, detail(m, null)));
    }
  }

  private static Map<String, Object> detail(Managed m, String reason) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("project", m.project);
    d.put("port", m.port);
    if (m.process != null) {
      d.put("pid", m.process.pid());
    }
    d.put("restarts", m.restarts);
    if (reason != null) {
      d.put("reason", reason);
    }
    return d;
  }

  private byte[] randomBytes() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return b;
  }

  static String sha256(String s) {
    try {
      return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeOwnerOnly(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path tmp = Files.createTempFile(file.getParent(), ".credential", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, content);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 300);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void signalStop(Process p) {
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
  }

  /** SIGTERM to the gateway and its workers, SIGKILL to what is left after 10 s. */
  static void stopProcess(Process p) {
    if (p == null) {
      return;
    }
    List<ProcessHandle> descendants = p.descendants().toList();
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
