package jp.enclave.pseudonymizer.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.Pipeline;
import jp.enclave.pseudonymizer.linkage.LinkageEvaluation;
import jp.enclave.pseudonymizer.optout.Identification;
import jp.enclave.pseudonymizer.optout.OptOutRegister;
import jp.enclave.pseudonymizer.project.ExtractProvisioner;
import jp.enclave.pseudonymizer.project.ProjectSpec;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures the pipeline: linkage quality at one scale, throughput, provisioning time and peak
 * memory at another. Figures are printed and written as JSON; nothing is asserted here.
 */
@Command(name = "bench", description = "Benchmark generation, linkage, pseudonymization and provisioning.")
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--patients", defaultValue = "1000000", description = "Scale of the throughput run.")
  int patients;

  @Option(names = "--linkage-patients", defaultValue = "100000", description = "Scale of the linkage-quality run.")
  int linkagePatients;

  @Option(names = "--work", defaultValue = "target/bench", description = "Scratch folder (deleted first).")
  Path work;

  @Option(names = "--opt-outs", defaultValue = "200", description = "Opt-out requests in the throughput run "
      + "(half by hospital ID, half by name, kana, birth date and sex), to measure the opt-out check.")
  int optOuts;

  @Override
  public Integer call() throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    System.out.printf("machine: %d cores, max heap %,d MB%n", Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    if (linkagePatients > 0) {
      System.out.printf("%n== linkage quality at %,d patients%n", linkagePatients);
      Map<String, Object> run = run(work.resolve("linkage"), linkagePatients, false);
      out.put("linkage_" + linkagePatients, run);
    }
    System.out.printf("%n== throughput at %,d patients%n", patients);
    out.put("throughput_" + patients, run(work.resolve("throughput"), patients, true));
    out.put("peak_rss_mb", peakRssMb());
    out.put("peak_heap_mb", peakHeapMb());
    System.out.printf("%npeak resident memory (JVM + DuckDB): %,d MB; peak Java heap: %,d MB%n", peakRssMb(),
        peakHeapMb());
    Pipeline.writeJson(work.resolve("bench.json"), out);
    System.out.println("figures: " + work.resolve("bench.json"));
    return 0;
  }

  private Map<String, Object> run(Path dir, int n, boolean provision) throws IOException {
    deleteTree(dir);
    HolderHome home = new HolderHome(dir);
    Map<String, Object> m = new LinkedHashMap<>();
    long t = System.nanoTime();
    SyntheticSource.Report gen = SyntheticSource.generate(new SyntheticSource.Config(20240401, n, 0.0005), home.source());
    double genSeconds = (System.nanoTime() - t) / 1e9;
    System.out.printf("generate: %,d rows in %.1f s (%,.0f rows/s)%n", gen.totalRows(), genSeconds,
        gen.totalRows() / genSeconds);
    if (provision && optOuts > 0) {
      recordOptOuts(home, optOuts);
    }
    Pipeline.Report r = Pipeline.run(home, 0.5);
    Reports.print(r);
    if (r.optOut().requests() > 0) {
      long rest = r.ingestMillis() + r.linkageMillis() + r.storeMillis();
      System.out.printf("opt-out check: %d requests, %d matched, %,d rows excluded in %.2f s = %.1f%% of the run "
              + "without it (ingest + linkage + store %.1f s)%n", r.optOut().requests(), r.optOut().matched(),
          r.ingest().optedOut(), r.optOut().millis() / 1000.0, 100.0 * r.optOut().millis() / rest, rest / 1000.0);
      m.put("opt_out_requests", r.optOut().requests());
      m.put("opt_out_matched", r.optOut().matched());
      m.put("opt_out_rows_excluded", r.ingest().optedOut());
      m.put("opt_out_seconds", r.optOut().millis() / 1000.0);
      m.put("opt_out_share_of_run_without_it", (double) r.optOut().millis() / rest);
    }
    m.put("source_rows", gen.totalRows());
    m.put("generate_seconds", genSeconds);
    m.put("ingest_seconds", r.ingestMillis() / 1000.0);
    m.put("linkage_seconds", r.linkageMillis() / 1000.0);
    m.put("store_seconds", r.storeMillis() / 1000.0);
    m.put("pseudonymization_rows_per_second", r.pseudonymizationRowsPerSecond());
    m.put("quarantined", r.ingest().quarantined());
    if (r.evaluation() != null) {
      LinkageEvaluation.Row c = r.evaluation().clusters();
      m.put("linkage_precision", c.precision());
      m.put("linkage_recall", c.recall());
      m.put("linkage_f1", c.f1());
    }
    if (provision) {
      for (ProjectSpec spec : List.of(spec("bench-dm", List.of("E11", "E10")), spec("bench-all", List.of()))) {
        ExtractProvisioner.Result p = ExtractProvisioner.provision(home, spec);
        System.out.printf("provision %s: %,d persons, %,d rows in %.2f s%n", p.projectId(), p.persons(),
            p.manifest().tables().stream().mapToLong(x -> x.rowCount()).sum(), p.millis() / 1000.0);
        m.put("provision_" + p.projectId() + "_seconds", p.millis() / 1000.0);
        m.put("provision_" + p.projectId() + "_persons", p.persons());
      }
    }
    return m;
  }

  /** Opt-outs for every k-th registration of the source: half by its hospital ID, half by its demographics. */
  private static void recordOptOuts(HolderHome home, int n) throws IOException {
    long regs = Files.lines(home.source().resolve("patients.csv")).count() - 1;
    long step = Math.max(1, regs / n);
    int i = 0;
    try (var reader = Files.newBufferedReader(home.source().resolve("patients.csv"));
        var csv = org.apache.commons.csv.CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build()
            .parse(reader)) {
      long row = 0;
      for (var rec : csv) {
        if (row++ % step != 0 || i >= n) {
          continue;
        }
        if (!rec.isConsistent()) {
          continue;
        }
        java.time.LocalDate birth;
        try {
          birth = java.time.LocalDate.parse(rec.get("birth_date"));
        } catch (java.time.format.DateTimeParseException e) {
          continue; // a row the generator broke on purpose
        }
        var who = i % 2 == 0 ? Identification.byHospitalId(rec.get("hospital_id"), rec.get("patient_id"))
            : Identification.byDemographics(rec.get("name_kanji"), rec.get("name_kana"), birth, rec.get("sex"));
        if (!who.problems().isEmpty()) {
          continue;
        }
        OptOutRegister.record(home, who, java.time.LocalDate.now(), "bench", "bench");
        i++;
      }
    } catch (RuntimeException e) {
      throw new IOException("cannot pick opt-out requests from the source: " + e.getMessage(), e);
    }
    System.out.printf("recorded %d opt-out requests%n", i);
  }

  private static ProjectSpec spec(String id, List<String> prefixes) {
    return new ProjectSpec(id, id, new ProjectSpec.Approval("approved", "bench", java.time.LocalDate.now()),
        Map.of("patient", List.of("*"), "encounter", List.of("*"), "diagnosis", List.of("*"), "medication",
            List.of("*"), "lab_result", List.of("*"), "vital_sign", List.of("*")),
        new ProjectSpec.Cohort(prefixes, null, null, null), null);
  }

  private static long peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  private static long peakHeapMb() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum >> 20;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
