package jp.enclave.pseudonymizer.zones;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.Pipeline;
import jp.enclave.pseudonymizer.project.ExtractExport;
import jp.enclave.pseudonymizer.project.ExtractProvisioner;
import jp.enclave.pseudonymizer.project.ProjectDeletion;
import jp.enclave.pseudonymizer.project.ProjectSpec;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Zones with their own homes and OS users, tried as the gateway's user would: a system user made
 * for the test cannot list or read anything in the holder's home, yet opens its project's extract
 * from its own home, which holds that extract, its key and the extract KEK only. Needs root (to
 * create the user); elsewhere it is skipped with the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZoneSeparationTest {
  private String user;
  private Path base;
  private HolderHome holder;
  private Path gateway;

  @BeforeAll
  void zones() throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
        "ZoneSeparationTest needs root to create a system user for the gateway zone (useradd, runuser); not root here");
    user = "enclave-gw-" + HexFormat.of().formatHex(java.security.SecureRandom.getSeed(3));
    run(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user)).expectOk();
    base = Files.createTempDirectory("enclave-zones");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x")); // enter, never list
    holder = new HolderHome(base.resolve("holder"));
    gateway = base.resolve("gateway");
    SyntheticSource.generate(new SyntheticSource.Config(3, 800, 0), holder.source());
    Pipeline.run(holder, 0.5);
    for (String p : List.of("p1", "p2")) {
      ExtractProvisioner.provision(holder, new ProjectSpec(p, p, new ProjectSpec.Approval("approved", "board",
          LocalDate.now()), Map.of("patient", List.of("*"), "diagnosis", List.of("*")), null, null));
    }
    ExtractExport.export(holder, "p1", gateway, user);
  }

  @AfterAll
  void removeUser() throws Exception {
    if (user != null) {
      run(List.of("userdel", user));
    }
    if (base != null) {
      try (Stream<Path> walk = Files.walk(base)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Test
  void theGatewaysUserCannotListReadOrWriteTheHoldersHome() throws Exception {
    for (List<String> attempt : List.of(
        List.of("ls", holder.root().toString()),
        List.of("cat", holder.root().resolve("kek/holder.kek").toString()),
        List.of("cat", holder.root().resolve("kek/extract.kek").toString()),
        List.of("cat", holder.store().toString()),
        List.of("ls", holder.source().toString()),
        List.of("cat", holder.source().resolve("patients.csv").toString()),
        List.of("touch", holder.root().resolve("intruder").toString()),
        List.of("cp", gateway.resolve("keys/extract/extract-p1.tink").toString(),
            holder.root().resolve("keys/extract/extract-p2.tink").toString()))) {
      Result r = asUser(attempt);
      assertThat(r.exit).as(String.join(" ", attempt)).isNotZero();
      assertThat(r.err).as(String.join(" ", attempt)).contains("Permission denied");
    }
  }

  @Test
  void theGatewaysUserOpensItsProjectFromItsOwnHomeWhichHoldsNothingElse() throws Exception {
    try (Stream<Path> walk = Files.walk(gateway)) {
      List<String> files = walk.filter(Files::isRegularFile).map(p -> gateway.relativize(p).toString()).sorted().toList();
      assertThat(files).containsExactly("extracts/p1.duckdb.sealed", "extracts/p1.manifest.json", "kek/extract.kek",
          "keys/extract/extract-p1.tink");
    }
    try (Stream<Path> walk = Files.walk(gateway)) {
      for (Path p : walk.toList()) {
        assertThat(Files.getOwner(p).getName()).as(p.toString()).isEqualTo(user);
      }
    }
    assertThat(asUser(List.of("cat", gateway.resolve("extracts/p1.duckdb.sealed").toString())).exit).isZero();
    Result probe = asUser(List.of("java", "-Xshare:off", "-Duser.home=/tmp", "-cp", probeClasspath(),
        ZoneProbe.class.getName(), gateway.toString(), "p1"));
    assertThat(probe.exit).as(probe.err).isZero();
    assertThat(probe.out).contains("opened p1: 2 tables, DuckDB DUCK");
    Result other = asUser(List.of("java", "-Xshare:off", "-Duser.home=/tmp", "-cp", probeClasspath(),
        ZoneProbe.class.getName(), gateway.toString(), "p2"));
    assertThat(other.exit).as("a project not exported to the zone").isNotZero();
    assertThat(other.err).contains("p2.manifest.json");
  }

  @Test
  void deletingTheProjectDestroysTheKeyCopyInTheZoneToo() throws Exception {
    ExtractProvisioner.provision(holder, new ProjectSpec("p3", "p3", new ProjectSpec.Approval("approved", "board",
        LocalDate.now()), Map.of("patient", List.of("*")), null, null));
    ExtractExport.export(holder, "p3", gateway, user);
    Path copy = gateway.resolve("keys/extract/extract-p3.tink");
    assertThat(copy).exists();
    ProjectDeletion.Record r = ProjectDeletion.delete(holder, "p3", "steward-1");
    assertThat(copy).doesNotExist();
    assertThat(gateway.resolve("extracts/p3.duckdb.sealed")).doesNotExist();
    assertThat(r.destroyedKeys()).extracting(k -> k.keyId()).containsExactly("extract-p3", "project-p3-prf", "extract-p3");
  }

  /** The probe's classes and libraries, copied where the zone's user may read them (root's ~/.m2 is private). */
  private String probeClasspath() throws IOException {
    Path cp = base.resolve("cp");
    if (Files.exists(cp)) {
      return cp.resolve("classes") + ":" + cp + "/*";
    }
    Files.createDirectories(cp);
    String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    for (String entry : path.split(java.io.File.pathSeparator)) {
      Path e = Path.of(entry);
      if (entry.endsWith(".jar") && !entry.contains("duckdb") && Files.isRegularFile(e)) {
        Files.copy(e, cp.resolve(e.getFileName()));
      } else if (Files.isDirectory(e)) {
        copyTree(e, cp.resolve("classes"));
      }
    }
    try (Stream<Path> walk = Files.walk(cp)) {
      for (Path p : walk.toList()) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    return cp.resolve("classes") + ":" + cp + "/*";
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else if (!Files.exists(t)) {
          Files.copy(p, t);
        }
      }
    }
  }

  private Result asUser(List<String> command) throws Exception {
    List<String> full = new ArrayList<>(List.of("runuser", "-u", user, "--"));
    full.addAll(command);
    return run(full);
  }

  record Result(int exit, String out, String err) {
    Result expectOk() {
      assertThat(exit).as(err).isZero();
      return this;
    }
  }

  private static Result run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    return new Result(p.waitFor(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }
}
