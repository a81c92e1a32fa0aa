package jp.enclave.server.airlock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the output checker's CLI ({@code output-checker check}) as a separate process in the
 * checker's zone: the server writes the request folder (the items' files and request.json) and
 * the project's released tables, the checker opens the project's sealed extract itself (its
 * {@code --extract-home}) and looks the cited queries up in the gateway's audit trail
 * ({@code --gateway-audit}); the server reads back verdicts, safe versions and the report. The
 * server never opens an extract.
 */
public final class CheckerProcess {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How the checker is started and where it reads from; immutable, from the server's configuration. */
  public record Settings(List<String> command, Path workDir, Optional<Path> extractHome, Optional<Path> gatewayAudit,
      Duration timeout) {
    public Settings {
      command = List.copyOf(command);
    }
  }

  /** The checker could not give verdicts (unusable request, crash, timeout): the reason, for the author. */
  public static final class Failed extends Exception {
    private static final long serialVersionUID = 1L;

    Failed(String message) {
      super(message);
    }
  }

  private final Settings settings;

  public CheckerProcess(Settings settings) {
    this.settings = settings;
  }

  public CheckOutcome check(String jobId, ExportRequest r, List<AirlockStore.ReleasedTable> released)
      throws Failed, IOException, InterruptedException {
    Path work = settings.workDir().resolve(jobId);
    removeTree(work); // a leftover of a run that crashed: start clean
    Files.createDirectories(work, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      Path req = Files.createDirectory(work.resolve("request"));
      Path out = work.resolve("out");
      Path hist = Files.createDirectories(work.resolve("released").resolve(r.projectId()));
      ObjectNode request = JSON.createObjectNode().put("request_id", r.id()).put("project_id", r.projectId())
          .put("researcher", r.author());
      ArrayNode items = request.putArray("items");
      for (ExportItem i : r.items()) {
        ObjectNode it = items.addObject().put("id", i.id()).put("type", i.type().checkerType(i.tableKind()))
            .put("file", i.id() + "_" + i.name());
        Files.write(req.resolve(i.id() + "_" + i.name()), i.content());
        if (i.type() == ItemType.FIGURE) {
          it.put("table", i.id() + "_table_" + i.tableName()).put("table_type", i.tableKind());
          Files.write(req.resolve(i.id() + "_table_" + i.tableName()), i.table());
        }
        ArrayNode q = it.putArray("queries");
        i.queryIds().forEach(q::add);
      }
      JSON.writeValue(req.resolve("request.json").toFile(), request);
      for (AirlockStore.ReleasedTable t : released) {
        Files.write(hist.resolve(t.name() + ".csv"), t.content());
      }
      List<String> cmd = new ArrayList<>(settings.command());
      cmd.addAll(List.of("check", "--request", req.resolve("request.json").toString(), "--out", out.toString(),
          "--released", work.resolve("released").toString()));
      settings.extractHome().ifPresent(h -> cmd.addAll(List.of("--extract-home", h.toString())));
      settings.gatewayAudit().ifPresent(a -> cmd.addAll(List.of("--gateway-audit", a.toString())));
      Path log = work.resolve("checker.log");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(settings.timeout().toSeconds(), TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new Failed("the checker did not finish within " + settings.timeout().toSeconds() + " s");
      }
      int exit = p.exitValue();
      if (exit < 0 || exit > 2) {
        String why = Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("error:"))
            .findFirst().orElse("exit code " + exit);
        throw new Failed("the checker refused the request: " + why);
      }
      JsonNode results = JSON.readTree(out.resolve("results.json").toFile()).path("results");
      Map<String, Verdict> verdicts = new LinkedHashMap<>();
      Map<String, byte[]> safe = new LinkedHashMap<>();
      for (ExportItem i : r.items()) {
        JsonNode res = results.path(i.id());
        if (res.isMissingNode()) {
          throw new Failed("the checker's results name no verdict for item " + i.id());
        }
        verdicts.put(i.id(), Verdict.parse(res.path("status").asText()));
        Path s = out.resolve(i.id() + "_safe.csv");
        if (Files.isRegularFile(s)) {
          safe.put(i.id(), Files.readAllBytes(s));
        }
      }
      Path ja = out.resolve("report.ja.html");
      return new CheckOutcome(verdicts, safe, Files.readString(out.resolve("report.html"), StandardCharsets.UTF_8),
          Files.isRegularFile(ja) ? Files.readString(ja, StandardCharsets.UTF_8) : null,
          Files.readString(out.resolve("results.json"), StandardCharsets.UTF_8));
    } finally {
      removeTree(work);
    }
  }

  private static void removeTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }
}
