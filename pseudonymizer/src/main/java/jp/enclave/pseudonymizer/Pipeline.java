package jp.enclave.pseudonymizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import jp.enclave.pseudonymizer.db.Duck;
import jp.enclave.pseudonymizer.db.PipelineException;
import jp.enclave.pseudonymizer.ingest.SourceIngest;
import jp.enclave.pseudonymizer.linkage.LinkageEvaluation;
import jp.enclave.pseudonymizer.linkage.Linker;
import jp.enclave.pseudonymizer.store.StoreBuilder;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import jp.enclave.sealed.KeyVault;

/** Source files in, pseudonymized store and sealed correspondence table out, with a report. */
public final class Pipeline {
  /** What one run did and how long each stage took (milliseconds). */
  public record Report(
      SourceIngest.Report ingest,
      Linker.Result linkage,
      LinkageEvaluation.Result evaluation,
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
    HolderAudit.record(home, "pipeline.started", java.util.Map.of("source", home.source().toString()));
    KeyVault holder = home.holderVault();
    if (!holder.exists(HolderHome.PSEUDONYM_KEY)) {
      holder.createPrfKey(HolderHome.PSEUDONYM_KEY);
    }
    if (!holder.exists(HolderHome.CORRESPONDENCE_KEY)) {
      holder.createSealingKey(HolderHome.CORRESPONDENCE_KEY);
    }
    try {
      Files.createDirectories(home.spill());
      Files.deleteIfExists(home.quarantine());
    } catch (IOException e) {
      throw new PipelineException("cannot prepare " + home.spill().getParent() + ": " + e.getMessage(), e);
    }
    // Staging lives in memory (spilling to the holder's folder): it is rebuilt from the sources on
    // every run, and only the quarantine is kept.
    try (Connection c = Duck.open(null)) {
      Duck.exec(c, "SET temp_directory = " + Duck.literal(home.spill()));
      Duck.exec(c, "SET preserve_insertion_order = false");
      long t0 = System.nanoTime();
      SourceIngest.Report ingest = SourceIngest.run(c, home.source());
      long t1 = System.nanoTime();
      Linker.Result linkage = Linker.run(c, linkThreshold);
      long t2 = System.nanoTime();
      StoreBuilder.Result store = StoreBuilder.build(c, home.store(), holder.prfKey(HolderHome.PSEUDONYM_KEY),
          holder.sealingKey(HolderHome.CORRESPONDENCE_KEY), home.sealedCorrespondence());
      long t3 = System.nanoTime();
      var truth = home.source().resolve(SyntheticSource.TRUTH_FILE);
      LinkageEvaluation.Result eval = Files.exists(truth) ? LinkageEvaluation.evaluate(c, truth) : null;
      Duck.exec(c, "ATTACH " + Duck.literal(home.quarantine()) + " AS kept");
      Duck.exec(c, "CREATE TABLE kept.quarantine AS SELECT * FROM quarantine");
      Duck.exec(c, "DETACH kept");
      Report report = new Report(ingest, linkage, eval, store, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000,
          (t3 - t2) / 1_000_000);
      writeJson(home.reports().resolve("pipeline.json"), report);
      java.util.Map<String, Object> audit = new java.util.LinkedHashMap<>();
      audit.put("sourceRows", ingest.input());
      audit.put("accepted", ingest.accepted());
      audit.put("quarantined", ingest.quarantined());
      audit.put("persons", store.persons());
      audit.put("storeRows", store.totalRows());
      audit.put("correspondenceRows", store.correspondenceRows());
      audit.put("linkThreshold", linkThreshold);
      HolderAudit.record(home, "pipeline.completed", audit);
      return report;
    } catch (SQLException e) {
      throw new PipelineException("staging database failed: " + e.getMessage(), e);
    }
  }

  /** Writes a report object as indented JSON. */
  public static void writeJson(java.nio.file.Path file, Object value) {
    try {
      Files.createDirectories(file.getParent());
      JSON.writeValue(file.toFile(), value);
    } catch (IOException e) {
      throw new PipelineException("cannot write report " + file + ": " + e.getMessage(), e);
    }
  }
}
