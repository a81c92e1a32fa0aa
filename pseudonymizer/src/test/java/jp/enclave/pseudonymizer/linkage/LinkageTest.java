package jp.enclave.pseudonymizer.linkage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import jp.enclave.pseudonymizer.db.Duck;
import jp.enclave.pseudonymizer.ingest.SourceIngest;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LinkageTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} ~ {1}")
  @CsvSource({
      "サトウ, サトー",
      "さとう, サトウ",
      "ｻﾄｳ, サトウ",
      "キョウコ, キヨウコ",
      "ハットリ, ハツトリ",
      "ガンダ, カンタ",
      "ナイカク ハナコ, ナイカクハナコ",
  })
  void foldingMakesClerkVariantsEqual(String a, String b) {
    assertThat(KanaNormalizer.fold(a)).isEqualTo(KanaNormalizer.fold(b));
  }

  @Test
  void differentNamesStayDifferent() {
    assertThat(KanaNormalizer.fold("サトウ")).isNotEqualTo(KanaNormalizer.fold("サイトウ"));
  }

  @Test
  void linksSamePersonAcrossHospitalsWithHighPrecisionAndRecall() {
    SyntheticSource.generate(new SyntheticSource.Config(11, 20_000, 0), tmp.resolve("src"));
    try (Connection c = Duck.open(tmp.resolve("staging.duckdb"))) {
      SourceIngest.run(c, tmp.resolve("src"));
      Linker.Result result = Linker.run(c, 0.5);
      LinkageEvaluation.Result eval = LinkageEvaluation.evaluate(c, tmp.resolve("src").resolve(SyntheticSource.TRUTH_FILE));
      LinkageEvaluation.Row clusters = eval.clusters();
      System.out.printf("records=%d pairs=%d clusters=%d truePairs=%d tp=%d fp=%d fn=%d P=%.4f R=%.4f F1=%.4f%n",
          result.records(), result.candidatePairs(), result.clusters(), eval.truePairs(), clusters.tp(), clusters.fp(),
          clusters.fn(), clusters.precision(), clusters.recall(), clusters.f1());
      for (LinkageEvaluation.Row r : eval.truthSpace()) {
        System.out.printf("  t=%.3f tp=%d fp=%d fn=%d P=%.4f R=%.4f F1=%.4f%n", r.threshold(), r.tp(), r.fp(), r.fn(),
            r.precision(), r.recall(), r.f1());
      }
      assertThat(clusters.f1()).isGreaterThanOrEqualTo(0.995);
      assertThat(result.clusters()).isBetween(19_800L, 20_200L);
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }
}
