package jp.enclave.pseudonymizer.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import jp.enclave.pseudonymizer.db.Duck;
import jp.enclave.pseudonymizer.source.SourceTable;
import jp.enclave.pseudonymizer.synth.Fault;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceIngestTest {
  @TempDir Path tmp;

  @Test
  void everyInputRowIsAcceptedOrQuarantinedWithAReason() throws Exception {
    SyntheticSource.Report gen = SyntheticSource.generate(new SyntheticSource.Config(7, 3000, 0.01), tmp.resolve("src"));
    try (Connection c = Duck.open(tmp.resolve("staging.duckdb"))) {
      SourceIngest.Report report = SourceIngest.run(c, tmp.resolve("src"));
      assertThat(report.reconciles()).isTrue();
      for (SourceTable t : SourceTable.values()) {
        assertThat(report.files().get(t).input()).as(t.fileName()).isEqualTo(gen.rows().get(t));
      }
      long injected = gen.faults().values().stream().mapToLong(Long::longValue).sum();
      assertThat(injected).isGreaterThan(20);
      assertThat(report.quarantined()).isEqualTo(injected);

      Map<Fault, String> expected = Map.of(
          Fault.BAD_DATE, "sampled_date is not a valid date: 2021-02-30",
          Fault.UNKNOWN_CODE, "icd10 is not a known ICD10 code: X99.9Z",
          Fault.MISSING_KEY, "order_id is missing",
          Fault.ORPHAN, "no accepted patient record for",
          Fault.BROKEN_ENCODING, "INVALID ENCODING",
          Fault.RAGGED_ROW, "TOO MANY COLUMNS",
          Fault.BAD_NUMBER, "weight_kg is not a number: 五十");
      Map<Fault, Long> seen = new HashMap<>();
      try (ResultSet r = c.createStatement().executeQuery("SELECT reason FROM quarantine")) {
        while (r.next()) {
          String reason = r.getString(1);
          expected.forEach((f, text) -> {
            if (reason.contains(text)) {
              seen.merge(f, 1L, Long::sum);
            }
          });
        }
      }
      for (Fault f : Fault.values()) {
        assertThat(seen.getOrDefault(f, 0L)).as(f.name()).isEqualTo(gen.faults().getOrDefault(f, 0L));
      }
    }
  }
}
