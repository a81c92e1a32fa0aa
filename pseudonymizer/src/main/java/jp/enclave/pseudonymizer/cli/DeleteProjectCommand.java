package jp.enclave.pseudonymizer.cli;

import java.util.concurrent.Callable;
import jp.enclave.pseudonymizer.project.ProjectDeletion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "delete-project", description = "Crypto-shred a project's extract and write a deletion record.")
final class DeleteProjectCommand implements Callable<Integer> {
  @Mixin HomeOption home;

  @Option(names = "--project", required = true) String project;

  @Option(names = "--by", required = true, description = "Who requested the deletion.") String by;

  @Override
  public Integer call() {
    ProjectDeletion.Record r = ProjectDeletion.delete(home.get(), project, by);
    System.out.printf("project %s deleted at %s: keys destroyed %s, files removed %s%n", r.projectId(), r.deletedAt(),
        r.destroyedKeys().stream().map(k -> k.keyId()).toList(), r.removedFiles());
    return 0;
  }
}
