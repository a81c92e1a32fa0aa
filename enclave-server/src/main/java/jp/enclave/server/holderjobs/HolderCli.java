package jp.enclave.server.holderjobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The data holder's CLI (the pseudonymizer jar) run as a separate OS process in the holder's zone:
 * the server never opens the holder's home itself, it hands a subcommand its arguments and reads
 * back what the process wrote. One place for how it is started, bounded in time and read when it
 * refuses, for every holder-zone job (re-identification, project deletion).
 */
public final class HolderCli {
  /** How the CLI is started (in production as the holder's user), its home, scratch, time bound; immutable. */
  public record Settings(List<String> command, Path home, Path workDir, Duration timeout) {
    public Settings {
      command = List.copyOf(command);
    }
  }

  /** The holder refused or failed: the reason, as the people waiting on the job see it. */
  public static final class Failed extends Exception {
    private static final long serialVersionUID = 1L;

    public Failed(String message) {
      super(message);
    }
  }

  private final Settings settings;

  public HolderCli(Settings settings) {
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Runs {@code subcommand --home <holder home> args…} with its standard output to {@code out} and
   * its standard error to {@code err} (the same file is allowed). {@code what} names the work in
   * the messages ("re-identification", "deletion"). A process past the time bound is killed with
   * its children; a non-zero exit is reported with the CLI's first {@code error:} line.
   */
  public void run(String what, String subcommand, List<String> args, Path out, Path err)
      throws Failed, IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(settings.command());
    cmd.add(subcommand);
    cmd.addAll(List.of("--home", settings.home().toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile());
    if (err.equals(out)) {
      pb.redirectErrorStream(true);
    } else {
      pb.redirectError(err.toFile());
    }
    Process p = pb.start();
    if (!p.waitFor(settings.timeout().toSeconds(), TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new Failed("the holder's " + what + " did not finish within " + settings.timeout().toSeconds() + " s");
    }
    if (p.exitValue() != 0) {
      String why = Files.readAllLines(err, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("error:"))
          .findFirst().orElse("exit code " + p.exitValue());
      throw new Failed("the holder refused the " + what + ": " + why);
    }
  }
}
