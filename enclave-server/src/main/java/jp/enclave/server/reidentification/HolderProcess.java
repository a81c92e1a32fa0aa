package jp.enclave.server.reidentification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the pseudonymizer's {@code reidentify} as a separate process in the data holder's zone
 * (its home holds the pseudonym keys and the sealed correspondence table; the server is given
 * neither). The server hands over the pseudonyms and reads back the source references.
 */
public final class HolderProcess {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How the holder's CLI is started (in production as the holder's user) and its home; immutable. */
  public record Settings(List<String> command, Path home, Path workDir, Duration timeout) {
    public Settings {
      command = List.copyOf(command);
    }
  }

  /** The holder's CLI refused or failed: the reason, for the officers. */
  public static final class Failed extends Exception {
    private static final long serialVersionUID = 1L;

    Failed(String message) {
      super(message);
    }
  }

  /** The result file as the holder wrote it, with its counts. */
  public record Outcome(String json, int resolved, int notFound) {}

  private final Settings settings;

  public HolderProcess(Settings settings) {
    this.settings = settings;
  }

  public Outcome reidentify(String jobId, ReidRequest r) throws Failed, IOException, InterruptedException {
    Path work = settings.workDir().resolve(jobId);
    removeTree(work);
    Files.createDirectories(work, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      Path in = work.resolve("pseudonyms.txt");
      Files.write(in, r.pseudonyms(), StandardCharsets.UTF_8);
      Path out = work.resolve("result.json");
      List<String> cmd = new ArrayList<>(settings.command());
      cmd.addAll(List.of("reidentify", "--home", settings.home().toString(), "--project", r.projectId(),
          "--pseudonyms", in.toString(), "--request", r.id(), "--by", String.join(", ", r.approvers()),
          "--out", out.toString()));
      Path log = work.resolve("holder.log");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(settings.timeout().toSeconds(), TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new Failed("the holder's re-identification did not finish within " + settings.timeout().toSeconds() + " s");
      }
      if (p.exitValue() != 0) {
        String why = Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("error:"))
            .findFirst().orElse("exit code " + p.exitValue());
        throw new Failed("the holder refused: " + why);
      }
      String json = Files.readString(out, StandardCharsets.UTF_8);
      JsonNode n = JSON.readTree(json);
      return new Outcome(json, n.path("sources").size(), n.path("notFound").size());
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
