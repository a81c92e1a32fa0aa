package jp.enclave.pseudonymizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import jp.enclave.pseudonymizer.db.Duck;
import jp.enclave.pseudonymizer.db.PipelineException;
import jp.enclave.pseudonymizer.ingest.SourceIngest;
import jp.enclave.pseudonymizer.linkage.LinkageEvaluation;
import jp.enclave.pseudonymizer.linkage.Linker;
import jp.enclave.pseudonymizer.optout.OptOutExclusion;
import jp.enclave.pseudonymizer.store.StoreBuilder;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import jp.enclave.sealed.KeyVault;
import jp.enclave.sealed.PrivateFiles;
import jp.enclave.sealed.PrivateScratch;

/**
 * Source files in; pseudonymized store, quarantine and correspondence table out, each sealed, with
 * a report. Staging, spills and every plaintext copy live in private RAM scratch, removed at the end.
 */
public final class Pipeline {
  /** What one run did and how long each stage took (milliseconds). */
  public record Report(
      SourceIngest.Report ingest,
      Linker.Result linkage,
      LinkageEvaluation.Result evaluation,
      OptOutExclusion.Result optOut,
      StoreBuilder.Result store,
      long ingestMillis,
      long linkageMillis,
      long storeMillis) {

    /** Source rows per second through ingest, validation and store build (linkage apart). */
    public double pseudonymizationRowsPerSecond() {
      return ingest.input() * 1000.0 / Math.max(1, ingestMillis + storeMillis);
    }
  }

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .findAndRegisterModules();

  private Pipeline() {}

  public static Report run(HolderHome home, double linkThreshold) {
    HolderAudit.record(home, "pipeline.started", Map.of("source", home.source().toString()));
    KeyVault holder = home.holderVault();
    if (!holder.exists(HolderHome.PSEUDONYM_KEY)) {
      holder.createPrfKey(HolderHome.PSEUDONYM_KEY);
    }
    if (!holder.exists(HolderHome.CORRESPONDENCE_KEY)) {
      holder.createSealingKey(HolderHome.CORRESPONDENCE_KEY);
    }
    // Staging lives in memory and spills only into RAM scratch: it is rebuilt from the sources on
    // every run, and what is kept (quarantine, store) is sealed before the scratch goes.
    try (PrivateScratch scratch = PrivateScratch.create("pipeline"); Connection c = Duck.open(null)) {
      Duck.exec(c, "SET temp_directory = " + Duck.literal(scratch.dir().resolve("spill")));
      Duck.exec(c, "SET preserve_insertion_order = false");
      long t0 = System.nanoTime();
      SourceIngest.Report ingest = SourceIngest.run(c, home.source());
      long t1 = System.nanoTime();
      Linker.Result linkage = Linker.run(c, linkThreshold);
      long t2 = System.nanoTime();
      var truth = home.source().resolve(SyntheticSource.TRUTH_FILE);
      LinkageEvaluation.Result eval = Files.exists(truth) ? LinkageEvaluation.evaluate(c, truth) : null;
      long t3 = System.nanoTime();
      OptOutExclusion.Result optOut = OptOutExclusion.apply(c, home, linkage, holder.prfKey(HolderHome.PSEUDONYM_KEY));
      ingest = ingest.withOptedOut(optOut.optedOut());
      long t4 = System.nanoTime();
      Path store = scratch.resolve("store.duckdb");
      StoreBuilder.Result built = StoreBuilder.build(c, store, holder.prfKey(HolderHome.PSEUDONYM_KEY),
          holder.sealingKey(HolderHome.CORRESPONDENCE_KEY), home.sealedCorrespondence());
      home.seal(HolderHome.Holding.STORE, store);
      Files.delete(store);
      long t5 = System.nanoTime();
      Path quarantine = scratch.resolve("quarantine.duckdb");
      Duck.exec(c, "ATTACH " + Duck.literal(quarantine) + " AS kept");
      Duck.exec(c, "CREATE TABLE kept.quarantine AS SELECT * FROM quarantine");
      Duck.exec(c, "DETACH kept");
      home.seal(HolderHome.Holding.QUARANTINE, quarantine);
      Report report = new Report(ingest, linkage, eval, optOut, built, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000,
          (t5 - t4) / 1_000_000);
      writeJson(home.reports().resolve("pipeline.json"), report);
      Map<String, Object> audit = new LinkedHashMap<>();
      audit.put("sourceRows", ingest.input());
      audit.put("accepted", ingest.accepted());
      audit.put("quarantined", ingest.quarantined());
      audit.put("optedOut", ingest.optedOut());
      audit.put("persons", built.persons());
      audit.put("storeRows", built.totalRows());
      audit.put("correspondenceRows", built.correspondenceRows());
      audit.put("linkThreshold", linkThreshold);
      HolderAudit.record(home, "pipeline.completed", audit);
      return report;
    } catch (SQLException | IOException e) {
      throw new PipelineException("staging database failed: " + e.getMessage(), e);
    }
  }

  /** Writes a report object as indented JSON, owner-only. */
  public static void writeJson(Path file, Object value) {
    try {
      PrivateFiles.writeAtomically(file, JSON.writeValueAsBytes(value));
    } catch (IOException e) {
      throw new PipelineException("cannot write report " + file + ": " + e.getMessage(), e);
    }
  }
}
