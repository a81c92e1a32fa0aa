package jp.enclave.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The data holder's zone for the integration tests: a holder home with a small synthetic source
 * pseudonymized by the real pseudonymizer CLI (run as a process, as the server runs it), and the
 * gateway's zone home the server's provisioning jobs export to.
 */
final class Holder {
  /** 3,000 by default; {@code -Denclave.it.patients=20000} for the demo size (the IT prints the job's time). */
  static final int PATIENTS = Integer.getInteger("enclave.it.patients", 3000);
  private static final ObjectMapper JSON = new ObjectMapper();

  private Holder() {}

  static Path itDir() {
    return Path.of(System.getProperty("enclave.it.dir", "target/it")).toAbsolutePath();
  }

  static Path home() {
    return itDir().resolve("holder-" + PATIENTS);
  }

  static Path gateway() {
    return itDir().resolve("gateway");
  }

  static Path jar() {
    Path jar = Path.of(System.getProperty("enclave.pseudonymizer.jar", "../pseudonymizer/target/missing.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("the pseudonymizer CLI jar " + jar + " is missing: build with -am");
    }
    return jar.toAbsolutePath();
  }

  /** What the server is started with: the CLI jar and both zone homes. */
  static Map<String, String> serverConfig(Path itDir) {
    return Map.of("enclave.pseudonymizer.jar", jar().toString(),
        "enclave.holder.home", itDir.toAbsolutePath().resolve("holder-" + PATIENTS).toString(),
        "enclave.gateways.home", itDir.toAbsolutePath().resolve("gateway").toString(),
        "enclave.holder.java-options", "-Xmx512m");
  }

  /** A holder home with a pseudonymized store, made once per build (the test classes share it). */
  static synchronized Path ready() throws Exception {
    if (!Files.exists(home().resolve("store/store.duckdb.sealed"))) {
      long t0 = System.nanoTime();
      run("generate", "--home", home().toString(), "--patients", String.valueOf(PATIENTS), "--seed", "12");
      run("pseudonymize", "--home", home().toString(), "--by", "it");
      System.out.printf("holder ready (%d patients) in %.1f s%n", PATIENTS, (System.nanoTime() - t0) / 1e9);
    }
    return home();
  }

  /**
   * Deletes a project's extract from an earlier build with the holder's own command (the holder
   * home is kept between builds), so a test provisions it afresh.
   */
  static void forget(String project) throws Exception {
    if (Files.exists(home().resolve("extracts/" + project + ".manifest.json"))) {
      run("delete-project", "--home", home().toString(), "--project", project, "--by", "it");
    }
  }

  static String run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-jar", jar().toString()));
    cmd.addAll(List.of(args));
    Path log = Files.createTempFile(itDir(), "holder-cli", ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("pseudonymizer " + String.join(" ", args) + " failed: " + Files.readString(log));
    }
    return Files.readString(log);
  }

  /** The holder's own audit trail, event by event (to count what the holder really did). */
  static List<JsonNode> audit() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String l : Files.readAllLines(home().resolve("holder/audit.jsonl"), StandardCharsets.UTF_8)) {
      if (!l.isBlank()) {
        out.add(JSON.readTree(l));
      }
    }
    return out;
  }

  static long holderEvents(String event, String project) throws IOException {
    return audit().stream().filter(e -> e.path("event").asText().equals(event)
        && e.path("data").path("project").asText().equals(project)).count();
  }
}
