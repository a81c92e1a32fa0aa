package jp.enclave.server.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The data holder's pipeline (the pseudonymizer's command line) run as its own OS process in the
 * holder's zone: the server hands it a project spec on standard input and reads its JSON progress
 * events; it never opens the holder's home, an extract or a key itself. Configured by the jar and
 * the two zone homes (the holder's, and the gateway's the extract is exported to).
 */
public final class HolderPipeline {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path jar;
  private final Path holderHome;
  private final Path gatewayHome;
  private final List<String> javaOptions;
  private volatile Process current;

  public HolderPipeline(Path jar, Path holderHome, Path gatewayHome, List<String> javaOptions) {
    this.jar = jar;
    this.holderHome = holderHome;
    this.gatewayHome = gatewayHome;
    this.javaOptions = List.copyOf(javaOptions);
  }

  /** Why provisioning cannot run here, if it cannot (no jar configured or found). */
  public Optional<String> unavailable() {
    if (holderHome == null) {
      return Optional.of("no data holder's home is configured (enclave.holder.home)");
    }
    if (jar == null) {
      return Optional.of("no pseudonymizer jar is configured (enclave.pseudonymizer.jar)");
    }
    if (!Files.isRegularFile(jar)) {
      return Optional.of("the pseudonymizer jar " + jar + " does not exist");
    }
    return Optional.empty();
  }

  public Path holderHome() {
    return holderHome;
  }

  public Path gatewayHome() {
    return gatewayHome;
  }

  /** How a run ended: the final {@code done} event, or the reason it failed. */
  public record Outcome(boolean ok, JsonNode done, String reason) {}

  /** Provisions {@code spec} and exports it to the gateway's home; {@code progress} gets each progress event. */
  public Outcome provision(String spec, Consumer<JsonNode> progress) {
    List<String> args = new ArrayList<>(List.of("provision", "--home", holderHome.toString(), "--spec", "-",
        "--progress", "json"));
    if (gatewayHome != null) {
      args.addAll(List.of("--zone-home", gatewayHome.toString()));
    }
    JsonNode[] last = new JsonNode[1];
    Run r = run(args, spec, line -> {
      JsonNode e = parse(line);
      if (e == null) {
        return;
      }
      last[0] = e;
      if (e.path("event").asText().equals("progress")) {
        progress.accept(e);
      }
    });
    JsonNode end = last[0];
    if (r.exit() == 0 && end != null && end.path("event").asText().equals("done")) {
      return new Outcome(true, end, null);
    }
    if (end != null && end.path("event").asText().equals("failed")) {
      return new Outcome(false, null, end.path("reason").asText());
    }
    return new Outcome(false, null, "the holder's pipeline ended with exit code " + r.exit()
        + (r.errorTail().isEmpty() ? "" : ": " + r.errorTail()));
  }

  /** The holder's inventory report (JSON), from {@code inventory --json}. */
  public String inventory() {
    StringBuilder out = new StringBuilder();
    Run r = run(List.of("inventory", "--home", holderHome.toString(), "--json"), null, out::append);
    if (r.exit() != 0) {
      throw new IllegalStateException("the holder's inventory ended with exit code " + r.exit() + ": " + r.errorTail());
    }
    return out.toString();
  }

  /** Stops a running pipeline (server shutdown): its job is re-run at the next start. */
  public void stopCurrent() {
    Process p = current;
    if (p != null) {
      p.destroy();
    }
  }

  private record Run(int exit, String errorTail) {}

  private Run run(List<String> args, String stdin, Consumer<String> lines) {
    Optional<String> why = unavailable();
    if (why.isPresent()) {
      throw new IllegalStateException(why.get());
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(javaOptions);
    cmd.addAll(List.of("-jar", jar.toString()));
    cmd.addAll(args);
    try {
      Process p = new ProcessBuilder(cmd).start();
      current = p;
      Deque<String> errors = new ArrayDeque<>();
      Thread err = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
          for (String l = r.readLine(); l != null; l = r.readLine()) {
            synchronized (errors) {
              errors.addLast(l);
              if (errors.size() > 5) {
                errors.removeFirst();
              }
            }
          }
        } catch (IOException e) {
          // the process ended
        }
      }, "holder-pipeline-stderr");
      err.setDaemon(true);
      err.start();
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l = r.readLine(); l != null; l = r.readLine()) {
          lines.accept(l);
        }
      }
      int exit = p.waitFor();
      err.join(2000);
      synchronized (errors) {
        return new Run(exit, String.join(" | ", errors));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run the holder's pipeline: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the holder's pipeline ran", e);
    } finally {
      current = null;
    }
  }

  private static JsonNode parse(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null; // not an event line
    }
  }
}
