package jp.enclave.pseudonymizer.cli;

import java.util.concurrent.Callable;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.anonymize.Anonymizer;
import jp.enclave.pseudonymizer.anonymize.KAnonymity;
import jp.enclave.sealed.PrivateScratch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "anonymize", description = "Build the anonymized (匿名加工) profile and its k-anonymity report.")
final class AnonymizeCommand implements Callable<Integer> {
  static final String ANONYMIZE_KEY = "anonymize-prf";

  @Mixin HomeOption home;

  @Option(names = "--k", defaultValue = "10") int k;

  @Override
  public Integer call() {
    HolderHome h = home.get();
    var vault = h.holderVault();
    if (!vault.exists(ANONYMIZE_KEY)) {
      vault.createPrfKey(ANONYMIZE_KEY);
    }
    Anonymizer.Profile p = Anonymizer.Profile.DEFAULT;
    KAnonymity.Report r;
    try (PrivateScratch scratch = PrivateScratch.create("anonymize")) {
      var out = scratch.resolve("anonymized.duckdb");
      r = Anonymizer.build(h.open(HolderHome.Holding.STORE, scratch), out, vault.prfKey(ANONYMIZE_KEY),
          new Anonymizer.Profile(k, p.maxShiftDays(), p.weightBand(), p.systolicTopCode()));
      h.seal(HolderHome.Holding.ANONYMIZED, out);
    }
    System.out.printf("anonymized store (sealed): %s%nk-anonymity on (sex, birth year/month, prefecture), k=%d: %s; "
            + "%,d persons in %,d classes, smallest %d, %,d classes (%,d persons) below k%n",
        h.anonymized(), k, r.satisfied() ? "satisfied" : "NOT satisfied", r.persons(), r.classes(), r.smallestClass(),
        r.classesBelowK(), r.personsBelowK());
    return 0;
  }
}
