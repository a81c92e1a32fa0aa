package jp.enclave.server.holderjobs;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The holder zone's configuration, read once for every holder-zone job: {@code enclave.holder.home}
 * and {@code enclave.holder.command} (or {@code enclave.pseudonymizer.jar}, run with this JVM's
 * java), {@code enclave.holder.work-dir}, {@code enclave.holder.timeout-seconds} (600) and
 * {@code enclave.holder.lease-seconds} (60). Without a home and a command the jobs stay queued.
 */
@ApplicationScoped
public class HolderZone {
  @Inject
  @ConfigProperty(name = "enclave.holder.command")
  Optional<String> command;
  @Inject
  @ConfigProperty(name = "enclave.pseudonymizer.jar")
  Optional<String> jar;
  @Inject
  @ConfigProperty(name = "enclave.holder.home")
  Optional<String> home;
  @Inject
  @ConfigProperty(name = "enclave.holder.work-dir")
  Optional<String> workDir;
  @Inject
  @ConfigProperty(name = "enclave.holder.timeout-seconds", defaultValue = "600")
  long timeoutSeconds;
  @Inject
  @ConfigProperty(name = "enclave.holder.lease-seconds", defaultValue = "60")
  long leaseSeconds;

  /** The CLI with {@code heap} as the jar's {@code -Xmx} (a configured command is taken as it is), if configured. */
  public Optional<HolderCli> cli(String heap) {
    List<String> cmd = command.filter(c -> !c.isBlank()).map(c -> Arrays.asList(c.trim().split("\\s+")))
        .orElseGet(() -> jar.filter(j -> !j.isBlank()).map(j -> List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap, "-jar", j)).orElse(null));
    if (cmd == null || home.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new HolderCli(new HolderCli.Settings(cmd, Path.of(home.get()),
        Path.of(workDir.orElse(System.getProperty("java.io.tmpdir") + "/enclave-holder")),
        Duration.ofSeconds(timeoutSeconds))));
  }

  public Duration lease() {
    return Duration.ofSeconds(leaseSeconds);
  }

  /** Why the holder's jobs cannot run here, for the runner's log. */
  public static final String UNAVAILABLE = "enclave.holder.home and enclave.holder.command / enclave.pseudonymizer.jar not set";
}
