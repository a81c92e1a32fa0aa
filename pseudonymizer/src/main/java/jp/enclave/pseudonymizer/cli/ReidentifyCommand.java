package jp.enclave.pseudonymizer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import jp.enclave.pseudonymizer.project.Reidentification;
import jp.enclave.sealed.PrivateFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The data holder's side of an approved PMDA re-identification: project pseudonyms in (one per
 * line), their sources out as JSON (0600), for the enclave server to hand to the inspector alone.
 * Runs only where the holder's home is; the correspondence key never leaves it.
 */
@Command(name = "reidentify", description = "Resolve a project's pseudonyms to their source records "
    + "(approved re-identification requests only; holder zone).")
final class ReidentifyCommand implements Callable<Integer> {
  @Mixin HomeOption home;

  @Option(names = "--project", required = true) String project;

  @Option(names = "--pseudonyms", required = true, description = "File with one project pseudonym per line.")
  Path pseudonyms;

  @Option(names = "--request", required = true, description = "The re-identification request's ID (audited).")
  String request;

  @Option(names = "--by", required = true, description = "Who approved it (audited).") String by;

  @Option(names = "--out", required = true, description = "Result JSON (written 0600).") Path out;

  @Override
  public Integer call() throws Exception {
    var wanted = Files.readAllLines(pseudonyms, StandardCharsets.UTF_8).stream().map(String::strip)
        .filter(s -> !s.isEmpty()).toList();
    Reidentification.Result r = Reidentification.run(home.get(), project, wanted, request, by);
    ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    PrivateFiles.writeAtomically(out, json.writeValueAsBytes(r));
    System.out.printf("request %s: %d pseudonym(s) resolved, %d not of this project%n", request, r.sources().size(),
        r.notFound().size());
    return 0;
  }
}
