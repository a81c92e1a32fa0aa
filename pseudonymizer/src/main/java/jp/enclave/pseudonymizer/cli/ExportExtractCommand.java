package jp.enclave.pseudonymizer.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import jp.enclave.pseudonymizer.project.ExtractExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "export-extract", description = "Give a project's sealed extract, its key and the extract KEK's "
    + "configuration to another zone's home (gateway, checker); nothing else of the holder.")
final class ExportExtractCommand implements Callable<Integer> {
  @Mixin HomeOption home;

  @Option(names = "--project", required = true) String project;

  @Option(names = "--to", required = true, description = "The zone's home, e.g. /var/lib/enclave/gateway.") Path to;

  @Option(names = "--owner", description = "OS user of that zone, made owner of what is written (needs root).")
  String owner;

  @Override
  public Integer call() {
    ExtractExport.Result r = ExtractExport.export(home.get(), project, to, owner);
    System.out.printf("project %s exported to %s: %s%n", r.projectId(), r.zoneHome(), r.files());
    return 0;
  }
}
