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
final class PayaraServer implements AutoCloseable {
  private final Process process;

  private PayaraServer(Process process) {
    this.process = process;
  }

  static PayaraServer start(Path payaraJar, Path war, int port, Map<String, String> properties, Path dir)
      throws IOException {
    Files.createDirectories(dir);
    Path props = dir.resolve("system.properties");
    Properties p = new Properties();
    p.putAll(properties);
    Files.deleteIfExists(props);
    Files.createFile(props, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    try (Writer w = Files.newBufferedWriter(props)) {
      p.store(w, "written by the enclave launcher at each start");
    }
    Path log = dir.resolve("payara.log");
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx768m", "-jar", payaraJar.toString(), "--deploy", war.toString(), "--contextroot", "/",
        "--port", String.valueOf(port), "--nocluster", "--systemProperties", props.toString(),
        "--rootdir", dir.resolve("payara-root").toString());
    Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    PayaraServer s = new PayaraServer(process);
    try {
      Processes.awaitHttp(process, "http://localhost:" + port + "/api/public/projects", Duration.ofMinutes(3),
          "Payara Micro", log);
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  Process process() {
    return process;
  }

  @Override
  public void close() {
    Processes.stop(process, Duration.ofSeconds(20));
  }
}
