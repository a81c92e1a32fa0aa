package jp.enclave.pseudonymizer.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import jp.enclave.pseudonymizer.Pipeline;
import jp.enclave.pseudonymizer.optout.OptOutPropagation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "pseudonymize", description = "Ingest <home>/source (honouring every opt-out), link persons, build the "
    + "sealed pseudonymized store, then re-provision extracts that held opted-out persons.")
final class PseudonymizeCommand implements Callable<Integer> {
  @Mixin HomeOption home;

  @Option(names = "--threshold", defaultValue = "0.5", description = "Match probability that links two records.")
  double threshold;

  @Option(names = "--released", description = "Released outputs (JSON list) to check against opt-outs.")
  Path released;

  @Option(names = "--by", defaultValue = "${sys:user.name}", description = "Who runs it (audited).")
  String by;

  @Override
  public Integer call() {
    Pipeline.Report r = Pipeline.run(home.get(), threshold);
    Reports.print(r);
    System.out.println("store (sealed): " + home.get().store());
    System.out.println("sealed correspondence table: " + home.get().sealedCorrespondence());
    System.out.println("report: " + home.get().reports().resolve("pipeline.json"));
    OptOutCommand.print(OptOutPropagation.run(home.get(), OptOutCommand.released(released), by));
    return 0;
  }
}
