package jp.enclave.pseudonymizer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import jp.enclave.pseudonymizer.project.ProjectDeletion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "delete-project", description = "Crypto-shred a project's extract and write a deletion record.")
final class DeleteProjectCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
      .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  @Mixin HomeOption home;

  @Option(names = "--project", required = true) String project;

  @Option(names = "--by", required = true, description = "Who requested the deletion.") String by;

  @Option(names = "--resume", description = "Finish an interrupted deletion, or answer with the record of one "
      + "already done, instead of refusing (for a caller that may run it twice, e.g. after a crash).")
  boolean resume;

  @Option(names = "--json", description = "Print the outcome as one JSON object (status, record) on standard output.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ProjectDeletion.Outcome o = resume ? ProjectDeletion.deleteOrResume(home.get(), project, by)
        : new ProjectDeletion.Outcome(ProjectDeletion.Status.DELETED, ProjectDeletion.delete(home.get(), project, by));
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("status", o.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
      out.put("record", o.record());
      System.out.println(JSON.writeValueAsString(out));
    } else if (o.record() == null) {
      System.out.printf("project %s: nothing to delete (no extract, keys or deletion record)%n", project);
    } else {
      ProjectDeletion.Record r = o.record();
      System.out.printf("project %s %s at %s: keys destroyed %s, files removed %s%n", r.projectId(),
          o.status() == ProjectDeletion.Status.ALREADY_DELETED ? "was already deleted" : "deleted", r.deletedAt(),
          r.destroyedKeys().stream().map(k -> k.keyId()).toList(), r.removedFiles());
    }
    return 0;
  }
}
