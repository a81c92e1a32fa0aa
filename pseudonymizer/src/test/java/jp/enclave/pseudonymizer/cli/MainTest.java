package jp.enclave.pseudonymizer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir Path tmp;

  private String runErr(String... args) {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.run(args)).isNotZero();
    } finally {
      System.setErr(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void missingSourcesGiveOneClearLineNotAStackTrace() {
    String err = runErr("pseudonymize", "--home", tmp.toString());
    assertThat(err).startsWith("error: source file patients.csv is missing from").doesNotContain("\tat ");
  }

  @Test
  void brokenSpecFileIsNamed() throws Exception {
    Path spec = tmp.resolve("spec.json");
    Files.writeString(spec, "{\"projectId\": ");
    String err = runErr("provision", "--home", tmp.toString(), "--spec", spec.toString());
    assertThat(err).startsWith("error: project spec " + spec + " is not valid JSON").doesNotContain("\tat ");
  }

  @Test
  void deletingAnUnknownProjectIsRefused() {
    String err = runErr("delete-project", "--home", tmp.toString(), "--project", "nope", "--by", "steward");
    assertThat(err).startsWith("error: project nope has no extract or keys to delete");
  }

  @Test
  void anOptOutNamingThePersonBothWaysIsRefusedByTheCommandLine() {
    String err = runErr("opt-out", "record", "--home", tmp.toString(), "--hospital", "H03", "--patient-id", "X",
        "--name", "内閣 花子", "--kana", "ナイカク ハナコ", "--birth-date", "2003-02-26", "--sex", "F",
        "--received", "2026-11-30", "--channel", "post", "--by", "s");
    assertThat(err).contains("mutually exclusive").doesNotContain("\tat ");
  }

  @Test
  void anOptOutFromAnUnknownHospitalIsRefusedWithTheReason() {
    String err = runErr("opt-out", "record", "--home", tmp.toString(), "--hospital", "H99", "--patient-id", "X",
        "--received", "2026-11-30", "--channel", "post", "--by", "s");
    assertThat(err).startsWith("error: opt-out request cannot be recorded").contains("'H99' is not a known hospital");
  }

  @Test
  void exportingAProjectWithoutAnExtractIsRefused() {
    String err = runErr("export-extract", "--home", tmp.toString(), "--project", "nope", "--to",
        tmp.resolve("gw").toString());
    assertThat(err).startsWith("error: project nope has no extract to export");
  }
}
