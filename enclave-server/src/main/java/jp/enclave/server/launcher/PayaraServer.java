package jp.enclave.server.launcher;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Payara Micro running the server's WAR as a child process, configured through system properties. */
public final class PayaraServer implements AutoCloseable {
  private final Process process;

  private PayaraServer(Process process) {
    this.process = process;
  }

  /**
   * The server's configuration for these services ({@code enclave.*} entries of {@code config}
   * win over the embedded defaults): what Payara Micro is started with, by the launcher and the
   * integration tests alike.
   */
  public static Map<String, String> properties(Database db, IdentityProvider idp, Map<String, String> config) {
    Map<String, String> p = new java.util.HashMap<>(config);
    p.put("enclave.db.url", db.jdbcUrl());
    p.put("enclave.db.user", db.user());
    p.put("enclave.db.password", db.password());
    p.put("enclave.oidc.issuer", idp.issuer());
    p.putIfAbsent("enclave.oidc.client-id", "enclave-server");
    p.putIfAbsent("enclave.oidc.client-secret", "enclave-server-dev-secret");
    p.putIfAbsent("enclave.gateway.address", "127.0.0.1:47470");
    return p;
  }

  /** Writes {@code properties} owner-only (they hold the database password and client secret). */
  public static Path writeProperties(Map<String, String> properties, Path file) throws IOException {
    Properties p = new Properties();
    p.putAll(properties);
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    try (Writer w = Files.newBufferedWriter(file)) {
      p.store(w, "the enclave server's configuration, written at each start");
    }
    return file;
  }

  public static PayaraServer start(Path payaraJar, Path war, int port, Map<String, String> properties, Path dir)
      throws IOException {
    Path props = writeProperties(properties, dir.resolve("system.properties"));
    Path log = dir.resolve("payara.log");
    forgetDeployments(dir.resolve("payara-root"));
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx768m", "-jar", payaraJar.toString(), "--deploy", war.toString(), "--contextroot", "/",
        "--port", String.valueOf(port), "--nocluster", "--systemProperties", props.toString(),
        "--rootdir", dir.resolve("payara-root").toString());
    Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    PayaraServer s = new PayaraServer(process);
    try {
      Processes.awaitHttp(process, "http://localhost:" + port + "/api/public/projects",
          Duration.ofSeconds(Long.getLong("enclave.payara.start-timeout-seconds", 180)),
          "Payara Micro", log);
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  /**
   * Payara Micro keeps what it deployed under its root folder and starts that copy first on the
   * next start, then deploys {@code --deploy}'s WAR over it. Tried from outside, a second
   * {@code ./enclave demo} on the same home failed: the readiness check was answered by the
   * previous run's application, which was then undeployed, and the demo's first POST got a 404
   * (and in that window the previous version served requests). The root holds nothing else the
   * server needs (its keys, database and logs live beside it), so each start begins with a fresh
   * one, as the first start did, and only the given WAR is deployed.
   */
  static void forgetDeployments(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  Process process() {
    return process;
  }

  @Override
  public void close() {
    Processes.stop(process, Duration.ofSeconds(20));
  }
}
