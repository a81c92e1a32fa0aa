package jp.enclave.pseudonymizer.zones;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd units in deploy/systemd: one OS user per zone, the hardening every unit must carry,
 * and {@code systemd-analyze verify} clean (any warning fails). Where systemd-analyze is missing
 * the verify step is skipped with the reason; the table of required settings always runs.
 */
class DeployUnitsTest {
  private static final Path UNITS = Path.of("").toAbsolutePath().getParent().resolve("deploy/systemd");

  /** unit → the OS user it runs as (null: the cross-zone export step, root with a few capabilities). */
  private static final List<String[]> ZONES = List.of(
      new String[] {"enclave-holder-pseudonymize.service", "enclave-holder"},
      new String[] {"enclave-gateway.service", "enclave-gateway"},
      new String[] {"enclave-checker@.service", "enclave-checker"},
      new String[] {"enclave-export@.service", null});

  private static final List<String> HARDENING = List.of("ProtectSystem=strict", "PrivateTmp=yes",
      "NoNewPrivileges=yes", "ProtectHome=yes", "UMask=0077", "ReadWritePaths=");

  @Test
  void everyUnitRunsAsItsZonesUserWithTheHardeningSettings() throws Exception {
    try (Stream<Path> files = Files.list(UNITS)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactlyInAnyOrderElementsOf(ZONES.stream().map(z -> z[0]).toList());
    }
    for (String[] z : ZONES) {
      List<String> lines = Files.readAllLines(UNITS.resolve(z[0]));
      for (String setting : HARDENING) {
        assertThat(lines).as(z[0] + " has " + setting).anyMatch(l -> l.startsWith(setting));
      }
      if (z[1] != null) {
        assertThat(lines).as(z[0]).contains("User=" + z[1]);
        assertThat(lines).as(z[0] + " gets no capabilities").contains("CapabilityBoundingSet=");
      } else {
        assertThat(lines).as(z[0]).noneMatch(l -> l.startsWith("User="));
      }
      if (!z[0].startsWith("enclave-holder") && !z[0].startsWith("enclave-export")) {
        assertThat(lines).as(z[0] + " cannot see the holder's home")
            .anyMatch(l -> l.startsWith("InaccessiblePaths=") && l.contains("/var/lib/enclave/holder"));
      }
    }
  }

  @Test
  void systemdAnalyzeVerifiesEveryUnitWithoutAWarning(@TempDir Path tmp) throws Exception {
    Path tool = Path.of("/usr/bin/systemd-analyze");
    Assumptions.assumeTrue(Files.isExecutable(tool),
        "systemd-analyze is not installed here (Debian: package systemd); units not verified");
    List<String> cmd = new ArrayList<>(List.of(tool.toString(), "verify"));
    try (Stream<Path> files = Files.list(UNITS)) {
      files.sorted().forEach(p -> cmd.add(p.toString()));
    }
    String[] clean = verify(cmd);
    assertThat(clean[1]).as("systemd-analyze verify output").isEmpty();
    assertThat(clean[0]).isEqualTo("0");

    // The check has teeth: a misspelt hardening setting is reported.
    Path bad = tmp.resolve("enclave-bad.service");
    Files.writeString(bad, Files.readString(UNITS.resolve("enclave-gateway.service"))
        .replace("ProtectSystem=strict", "ProtectSystem=strictly"));
    assertThat(verify(List.of(tool.toString(), "verify", bad.toString()))[1]).contains("protect system value");
  }

  private static String[] verify(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    return new String[] {String.valueOf(p.waitFor()), out};
  }
}
