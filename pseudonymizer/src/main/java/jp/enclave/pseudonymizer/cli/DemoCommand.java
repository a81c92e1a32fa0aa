package jp.enclave.pseudonymizer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.Pipeline;
import jp.enclave.pseudonymizer.project.ExtractProvisioner;
import jp.enclave.pseudonymizer.project.ProjectDeletion;
import jp.enclave.pseudonymizer.project.ProjectSpec;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import jp.enclave.sealed.extract.SealedExtract;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", description = "Generate a synthetic source, pseudonymize it and provision the demo project.")
final class DemoCommand implements Callable<Integer> {
  @Mixin HomeOption home;

  @Option(names = "--patients", defaultValue = "20000") int patients;

  @Option(names = "--zone-home", description = "Home of a zone that reads extracts (gateway, checker); the demo "
      + "project is exported there. Repeatable.")
  java.util.List<java.nio.file.Path> zoneHomes = new java.util.ArrayList<>();

  @Override
  public Integer call() throws IOException {
    HolderHome h = home.get();
    System.out.println("== enclave demo: data holder's side, in " + h.root().toAbsolutePath());
    SyntheticSource.Report gen = SyntheticSource.generate(new SyntheticSource.Config(20240401, patients, 0.001), h.source());
    System.out.printf("synthetic source: %,d persons, %,d rows, %,d injected faults -> %s%n", gen.persons(),
        gen.totalRows(), gen.faults().values().stream().mapToLong(Long::longValue).sum(), h.source());
    Reports.print(Pipeline.run(h, 0.5));
    ProjectSpec spec;
    try (InputStream in = DemoCommand.class.getResourceAsStream("/demo-project.json")) {
      spec = new ObjectMapper().findAndRegisterModules().readValue(in, ProjectSpec.class);
    }
    if (Files.exists(SealedExtract.manifestPath(h.extracts(), spec.projectId()))) {
      ProjectDeletion.delete(h, spec.projectId(), "demo re-run");
    }
    ProvisionCommand.print(ExtractProvisioner.provision(h, spec), h.extracts());
    for (var zone : zoneHomes) {
      var r = jp.enclave.pseudonymizer.project.ExtractExport.export(h, spec.projectId(), zone, null);
      System.out.println("  exported to " + r.zoneHome() + ": " + r.files());
    }
    System.out.println();
    System.out.println("where things are:");
    System.out.println("  identifying source (holder only):   " + h.source());
    System.out.println("  quarantine (sealed, holder KEK):    " + h.quarantine());
    System.out.println("  pseudonymized store (sealed):       " + h.store());
    System.out.println("  sealed correspondence table:        " + h.sealedCorrespondence() + " (holder KEK only)");
    System.out.println("  project extracts (extract KEK):     " + h.extracts());
    zoneHomes.forEach(z -> System.out.println("  zone home (extract + its key only): " + z));
    System.out.println("  reports:                            " + h.reports());
    return 0;
  }
}
