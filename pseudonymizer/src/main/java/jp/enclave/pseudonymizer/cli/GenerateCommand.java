package jp.enclave.pseudonymizer.cli;

import java.util.concurrent.Callable;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "generate", description = "Write a synthetic multi-hospital source (with ground truth) into <home>/source.")
final class GenerateCommand implements Callable<Integer> {
  @Mixin HomeOption home;

  @Option(names = "--patients", defaultValue = "10000") int patients;

  @Option(names = "--seed", defaultValue = "20240401") long seed;

  @Option(names = "--fault-rate", defaultValue = "0.001", description = "Share of rows written malformed.")
  double faultRate;

  @Override
  public Integer call() {
    long t = System.nanoTime();
    SyntheticSource.Report r = SyntheticSource.generate(new SyntheticSource.Config(seed, patients, faultRate),
        home.get().source());
    System.out.printf("generated %,d persons, %,d registrations, %,d rows in %.1f s into %s%n", r.persons(),
        r.registrations(), r.totalRows(), (System.nanoTime() - t) / 1e9, home.get().source());
    r.rows().forEach((table, n) -> System.out.printf("  %-16s %,12d%n", table.fileName(), n));
    System.out.println("  injected faults: " + r.faults());
    return 0;
  }
}
