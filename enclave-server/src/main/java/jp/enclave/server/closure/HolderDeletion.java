package jp.enclave.server.closure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import jp.enclave.server.holderjobs.HolderCli;
import java.util.List;

/**
 * Crypto-shreds a project's extract through the data holder's CLI run as a separate process in
 * the holder's zone ({@code delete-project --resume --json}): it destroys the extract's and the
 * project's pseudonym keys and every zone's key copy, removes the files and answers with its
 * deletion record. {@code --resume} makes a second run (after the server died mid-way) answer
 * with the first run's record instead of refusing, so nothing is destroyed or certified twice.
 */
public final class HolderDeletion {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HolderCli cli;

  public HolderDeletion(HolderCli cli) {
    this.cli = cli;
  }

  /** The holder's answer: {@code status} (deleted, already-deleted, nothing-to-delete) and its {@code record}. */
  public JsonNode delete(String projectId, String by) throws HolderCli.Failed, IOException, InterruptedException {
    Path work = cli.settings().workDir().resolve("delete-" + projectId);
    Files.createDirectories(cli.settings().workDir());
    if (!Files.exists(work)) {
      Files.createDirectories(work, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    Path out = work.resolve("out.json");
    Path err = work.resolve("holder.log");
    try {
      cli.run("deletion", "delete-project", List.of("--project", projectId, "--by", by, "--resume", "--json"), out, err);
      String json = Files.readAllLines(out, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("{"))
          .reduce((a, b) -> b).orElseThrow(() -> new HolderCli.Failed("the holder's deletion printed no outcome"));
      return JSON.readTree(json);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      Files.deleteIfExists(work);
    }
  }
}
