package jp.enclave.server.closure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Crypto-shreds a project's extract through the data holder's CLI run as a separate process in
 * the holder's zone ({@code delete-project --resume --json}): it destroys the extract's and the
 * project's pseudonym keys and every zone's key copy, removes the files and answers with its
 * deletion record. {@code --resume} makes a second run (after the server died mid-way) answer
 * with the first run's record instead of refusing, so nothing is destroyed or certified twice.
 */
public final class HolderDeletion {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How the holder's CLI is started (in production as the holder's user), its home; immutable. */
  public record Settings(List<String> command, Path home, Path workDir, Duration timeout) {
    public Settings {
      command = List.copyOf(command);
    }
  }

  /** The holder refused or failed: the reason, as the steward sees it. */
  public static final class Failed extends Exception {
    private static final long serialVersionUID = 1L;

    Failed(String message) {
      super(message);
    }
  }

  private final Settings settings;

  public HolderDeletion(Settings settings) {
    this.settings = settings;
  }

  /** The holder's answer: {@code status} (deleted, already-deleted, nothing-to-delete) and its {@code record}. */
  public JsonNode delete(String projectId, String by) throws Failed, IOException, InterruptedException {
    Path work = settings.workDir().resolve("delete-" + projectId);
    Files.createDirectories(settings.workDir());
    if (!Files.exists(work)) {
      Files.createDirectories(work, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    Path out = work.resolve("out.json");
    Path err = work.resolve("holder.log");
    List<String> cmd = new ArrayList<>(settings.command());
    cmd.addAll(List.of("delete-project", "--home", settings.home().toString(), "--project", projectId, "--by", by,
        "--resume", "--json"));
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      if (!p.waitFor(settings.timeout().toSeconds(), TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new Failed("the holder's deletion did not finish within " + settings.timeout().toSeconds() + " s");
      }
      if (p.exitValue() != 0) {
        String why = Files.readAllLines(err, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("error:"))
            .findFirst().orElse("exit code " + p.exitValue());
        throw new Failed("the holder refused the deletion: " + why);
      }
      String json = Files.readAllLines(out, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("{"))
          .reduce((a, b) -> b).orElseThrow(() -> new Failed("the holder's deletion printed no outcome"));
      return JSON.readTree(json);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      Files.deleteIfExists(work);
    }
  }
}
