package jp.enclave.pseudonymizer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import jp.enclave.pseudonymizer.project.ExtractProvisioner;
import jp.enclave.pseudonymizer.project.ProjectException;
import jp.enclave.pseudonymizer.project.ProjectSpec;
import jp.enclave.sealed.extract.SealedExtract;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "provision", description = "Provision an approved project's sealed extract from its spec (JSON).")
final class ProvisionCommand implements Callable<Integer> {
  @Mixin HomeOption home;

  @Option(names = "--spec", required = true) Path spec;

  @Override
  public Integer call() {
    ProjectSpec s;
    try {
      s = new ObjectMapper().findAndRegisterModules().readValue(spec.toFile(), ProjectSpec.class);
    } catch (IOException e) {
      throw new ProjectException("project spec " + spec + " is not valid JSON for a spec: " + e.getMessage(), e);
    }
    print(ExtractProvisioner.provision(home.get(), s), home.get().extracts());
    return 0;
  }

  static void print(ExtractProvisioner.Result r, Path extracts) {
    System.out.printf("project %s: %,d persons provisioned in %.2f s%n", r.projectId(), r.persons(), r.millis() / 1000.0);
    r.manifest().tables().forEach(t -> System.out.printf("  %-16s %,12d rows%n", t.name(), t.rowCount()));
    System.out.println("  sealed extract: " + SealedExtract.sealedPath(extracts, r.projectId()));
    System.out.println("  manifest:       " + SealedExtract.manifestPath(extracts, r.projectId()));
  }
}
