package jp.enclave.pseudonymizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import jp.enclave.pseudonymizer.db.Duck;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same source and keys give the same persons and pseudonyms, run after run. */
class ReproducibilityTest {
  @TempDir Path tmp;

  @Test
  void twoRunsOnTheSameSourceGiveTheSamePersonsAndPseudonyms() throws Exception {
    HolderHome home = new HolderHome(tmp);
    SyntheticSource.generate(new SyntheticSource.Config(21, 4000, 0.002), home.source());
    Pipeline.Report first = Pipeline.run(home, 0.5);
    List<String> before = pseudonymsWithSex(home);
    Pipeline.Report second = Pipeline.run(home, 0.5);
    assertThat(second.linkage().clusters()).isEqualTo(first.linkage().clusters());
    assertThat(second.linkage().linkedPairs()).isEqualTo(first.linkage().linkedPairs());
    assertThat(second.linkage().model().parameters()).isEqualTo(first.linkage().model().parameters());
    assertThat(pseudonymsWithSex(home)).isEqualTo(before);
  }

  private static List<String> pseudonymsWithSex(HolderHome home) throws Exception {
    List<String> out = new ArrayList<>();
    try (OpenedHolding store = OpenedHolding.store(home); Statement s = store.connection().createStatement();
        ResultSet r = s.executeQuery("SELECT person_id || sex || birth_date FROM patient ORDER BY 1")) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }
}
