package jp.enclave.server.holderjobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The holder's CLI as a process, with a shell standing in for the jar: arguments, refusal, time bound. */
class HolderCliTest {
  @TempDir Path tmp;

  private HolderCli cli(String script, Duration timeout) {
    // sh -c SCRIPT NAME ARGS…: the subcommand and its arguments arrive as $1, $2, …
    return new HolderCli(new HolderCli.Settings(List.of("sh", "-c", script, "holder"), tmp.resolve("home"),
        tmp.resolve("work"), timeout));
  }

  @Test
  void theSubcommandGetsTheHoldersHomeThenItsArgumentsAndWritesItsOutput() throws Exception {
    Path out = tmp.resolve("out.txt");
    cli("echo \"$@\"", Duration.ofSeconds(30)).run("deletion", "delete-project", List.of("--project", "p-1"), out, out);
    assertThat(Files.readString(out).strip()).isEqualTo("delete-project --home " + tmp.resolve("home") + " --project p-1");
  }

  @Test
  void aRefusalCarriesTheClisFirstErrorLine() {
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    assertThatThrownBy(() -> cli("echo working >&2; echo 'error: project p-1 has no extract' >&2; exit 3",
        Duration.ofSeconds(30)).run("deletion", "delete-project", List.of(), out, err))
        .isInstanceOf(HolderCli.Failed.class)
        .hasMessage("the holder refused the deletion: error: project p-1 has no extract");
    assertThatThrownBy(() -> cli("exit 4", Duration.ofSeconds(30)).run("re-identification", "reidentify", List.of(), out, err))
        .hasMessage("the holder refused the re-identification: exit code 4");
  }

  @Test
  void aProcessPastItsTimeBoundIsKilledAndReported() {
    Path out = tmp.resolve("out.txt");
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> cli("sleep 30", Duration.ofSeconds(1)).run("deletion", "delete-project", List.of(), out, out))
        .isInstanceOf(HolderCli.Failed.class).hasMessage("the holder's deletion did not finish within 1 s");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
  }
}
