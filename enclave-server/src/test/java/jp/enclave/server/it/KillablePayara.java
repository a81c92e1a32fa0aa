package jp.enclave.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import jp.enclave.server.launcher.PayaraServer;

/**
 * A Payara Micro the crash tests start themselves (not Arquillian's), with the configuration the
 * Arquillian-started servers get plus their own, so it can be killed with -9 for real and started
 * again on the same port. The launcher's class keeps its Process to itself, so the JVM is found
 * among this test's descendants by its command line.
 */
final class KillablePayara implements AutoCloseable {
  private final Path dir;
  private final Map<String, String> overrides;
  private int port;
  private int starts;
  private PayaraServer server;
  private HttpClient http = HttpClient.newHttpClient();

  KillablePayara(Path dir, Map<String, String> overrides) {
    this.dir = dir;
    this.overrides = Map.copyOf(overrides);
  }

  int port() {
    return port;
  }

  boolean running() {
    return server != null;
  }

  Api api() throws Exception {
    return new Api(URI.create("http://localhost:" + port + "/").toURL(), http);
  }

  /** Starts the server (the first start picks a free port, later ones reuse it), each start in a fresh root. */
  void start() throws Exception {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(Holder.itDir().resolve("server.properties"))) {
      p.load(r);
    }
    Map<String, String> props = new HashMap<>();
    p.forEach((k, v) -> props.put(k.toString(), v.toString()));
    props.putAll(overrides);
    if (port == 0) {
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
    }
    // A fresh root each start: a root kept from an earlier build would redeploy its old app.
    Files.createDirectories(dir);
    Path root = Files.createTempDirectory(dir, "run-" + ++starts + "-");
    long t0 = System.nanoTime();
    try {
      server = PayaraServer.start(Path.of(System.getProperty("payara.microJar")),
          Path.of(System.getProperty("enclave.war")), port, props, root);
    } catch (RuntimeException e) {
      // CI keeps only the build's output: show why this start failed there.
      Path log = root.resolve("payara.log");
      if (Files.exists(log)) {
        var lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        System.out.println("payara run " + starts + " failed; the last lines of " + log + ":");
        lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(l -> System.out.println("  | " + l));
      }
      throw e;
    }
    System.out.printf("payara run %d up in %.1f s on port %d%n", starts, (System.nanoTime() - t0) / 1e9, port);
  }

  /** The Payara JVM this test started. */
  ProcessHandle process() {
    return ProcessHandle.current().descendants()
        .filter(h -> h.info().commandLine().orElse("").contains("payara-micro")
            && h.info().commandLine().orElse("").contains("--port " + port))
        .findFirst().orElseThrow(() -> new AssertionError("no Payara process on port " + port));
  }

  /** SIGKILL: no shutdown hook, no transaction finished, what a power cut leaves. */
  void kill9() throws Exception {
    ProcessHandle h = process();
    assertThat(h.destroyForcibly()).as("SIGKILL sent").isTrue();
    h.onExit().get(30, TimeUnit.SECONDS);
    server = null;
    http = HttpClient.newHttpClient(); // the old one's pooled connections lead to the dead server
  }

  /** The server's child process whose command line names every one of {@code parts}, once it has started (3 min). */
  ProcessHandle child(String... parts) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    Optional<ProcessHandle> found = Optional.empty();
    while (System.nanoTime() < deadline && found.isEmpty()) {
      found = process().descendants().filter(h -> {
        String line = h.info().commandLine().orElse("");
        return Arrays.stream(parts).allMatch(line::contains);
      }).findFirst();
      Thread.sleep(50);
    }
    assertThat(found).as(String.join(" ", parts) + " was started").isPresent();
    return found.get();
  }

  /** A zone's CLI slowed by 4 s, so a kill lands while its process runs. */
  static void slowWrapper(Path wrapper, Path jar) throws Exception {
    Files.writeString(wrapper, "#!/bin/sh\nsleep 4\nexec " + Path.of(System.getProperty("java.home"), "bin", "java")
        + " -Xmx512m -jar " + jar.toAbsolutePath() + " \"$@\"\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
