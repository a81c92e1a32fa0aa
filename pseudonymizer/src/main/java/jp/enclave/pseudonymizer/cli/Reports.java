package jp.enclave.pseudonymizer.cli;

import jp.enclave.pseudonymizer.Pipeline;
import jp.enclave.pseudonymizer.linkage.LinkageEvaluation;

/** Human-readable pipeline figures. */
final class Reports {
  private Reports() {}

  static void print(Pipeline.Report r) {
    System.out.printf("ingest: %,d rows read, %,d accepted, %,d quarantined, %,d opted out (reconciles: %s) in %.2f s%n",
        r.ingest().input(), r.ingest().accepted(), r.ingest().quarantined(), r.ingest().optedOut(),
        r.ingest().reconciles(), r.ingestMillis() / 1000.0);
    r.ingest().files().forEach((t, c) -> System.out.printf(
        "  %-16s read %,11d  accepted %,11d  quarantined %,7d  opted out %,6d%n",
        t.fileName(), c.input(), c.accepted(), c.quarantined(), c.optedOut()));
    if (r.optOut().requests() > 0) {
      System.out.printf("opt-out: %d request(s), %d matched (%d persons), %d not matched yet, in %.3f s%n",
          r.optOut().requests(), r.optOut().matched(), r.optOut().persons(), r.optOut().unmatched(),
          r.optOut().millis() / 1000.0);
    }
    System.out.printf("linkage: %,d registrations, %,d candidate pairs, %,d linked pairs, %,d persons in %.2f s%n",
        r.linkage().records(), r.linkage().candidatePairs(), r.linkage().linkedPairs(), r.linkage().clusters(),
        r.linkageMillis() / 1000.0);
    if (r.evaluation() != null) {
      System.out.println("  truth space (pairwise, before clustering):");
      System.out.println("    threshold        tp        fp        fn  precision  recall      F1");
      for (LinkageEvaluation.Row row : r.evaluation().truthSpace()) {
        System.out.printf("    %9.3f %9d %9d %9d  %9.5f %7.5f %7.5f%n", row.threshold(), row.tp(), row.fp(), row.fn(),
            row.precision(), row.recall(), row.f1());
      }
      LinkageEvaluation.Row c = r.evaluation().clusters();
      System.out.printf("  clusters at %.2f: tp %d fp %d fn %d  precision %.5f recall %.5f F1 %.5f%n",
          r.linkage().threshold(), c.tp(), c.fp(), c.fn(), c.precision(), c.recall(), c.f1());
    }
    System.out.printf("store: %,d persons, %,d rows in %.2f s; correspondence rows %,d%n", r.store().persons(),
        r.store().totalRows(), r.storeMillis() / 1000.0, r.store().correspondenceRows());
    System.out.printf("pseudonymization throughput (ingest + store): %,.0f source rows/s%n",
        r.pseudonymizationRowsPerSecond());
  }
}
