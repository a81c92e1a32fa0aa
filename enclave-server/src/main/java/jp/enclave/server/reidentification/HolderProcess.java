package jp.enclave.server.reidentification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import jp.enclave.server.holderjobs.HolderCli;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs the pseudonymizer's {@code reidentify} as a separate process in the data holder's zone
 * (its home holds the pseudonym keys and the sealed correspondence table; the server is given
 * neither). The server hands over the pseudonyms and reads back the source references.
 */
public final class HolderProcess {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The result file as the holder wrote it, with its counts. */
  public record Outcome(String json, int resolved, int notFound) {}

  private final HolderCli cli;

  public HolderProcess(HolderCli cli) {
    this.cli = cli;
  }

  public Outcome reidentify(String jobId, ReidRequest r) throws HolderCli.Failed, IOException, InterruptedException {
    Path work = cli.settings().workDir().resolve(jobId);
    removeTree(work);
    Files.createDirectories(work, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      Path in = work.resolve("pseudonyms.txt");
      Files.write(in, r.pseudonyms(), StandardCharsets.UTF_8);
      Path out = work.resolve("result.json");
      Path log = work.resolve("holder.log");
      cli.run("re-identification", "reidentify", List.of("--project", r.projectId(), "--pseudonyms", in.toString(),
          "--request", r.id(), "--by", String.join(", ", r.approvers()), "--out", out.toString()), log, log);
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
