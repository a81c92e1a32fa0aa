package jp.enclave.pseudonymizer.cli;

import java.util.concurrent.Callable;
import jp.enclave.pseudonymizer.Pipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "pseudonymize", description = "Ingest <home>/source, link persons, build the pseudonymized store.")
final class PseudonymizeCommand implements Callable<Integer> {
  @Mixin HomeOption home;

  @Option(names = "--threshold", defaultValue = "0.5", description = "Match probability that links two records.")
  double threshold;

  @Override
  public Integer call() {
    Pipeline.Report r = Pipeline.run(home.get(), threshold);
    Reports.print(r);
    System.out.println("store: " + home.get().store());
    System.out.println("sealed correspondence table: " + home.get().sealedCorrespondence());
    System.out.println("report: " + home.get().reports().resolve("pipeline.json"));
    return 0;
  }
}
