package jp.enclave.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.Pipeline;
import jp.enclave.pseudonymizer.project.ExtractProvisioner;
import jp.enclave.pseudonymizer.project.ProjectSpec;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.SealedStoreException;
import jp.enclave.sealed.extract.SealedExtract;
import jp.enclave.server.launcher.PayaraServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code kill -9} of the server while the holder's {@code delete-project} runs for a project's
 * end, then a restart, as {@link CrashRecoveryIT} does it (Payara started with the launcher's
 * {@link PayaraServer} so the test can SIGKILL it). The holder's command is wrapped to wait four
 * seconds first, so the kill lands while the process is alive; the orphaned process finishes the
 * deletion on its own. After the restart the closure's lease lapses, the runner resumes it, the
 * holder answers with the deletion it already made, and the project ends with one certificate:
 * the keys destroyed once, one archive, one {@code project.ended}, the chain intact.
 */
@ExtendWith(Services.class)
class ClosureCrashIT {
  private static final LocalDate TODAY = LocalDate.now(ZoneId.of("Asia/Tokyo"));
  private static final Path DIR = Holder.itDir().resolve("closure-crash");
  private static final Path HOLDER = DIR.resolve("holder");
  private static final Path WRAPPER = DIR.resolve("slow-holder.sh");
  private static final KillablePayara PAYARA = new KillablePayara(DIR, Map.of("enclave.holder.home", HOLDER.toString(),
      "enclave.holder.command", WRAPPER.toString()));

  private static Api api() throws Exception {
    return PAYARA.api();
  }

  @AfterAll
  static void stop() {
    PAYARA.close();
  }

  @Test
  void killedWhileTheHolderDeletesTheProjectEndsOnceAfterRestart() throws Exception {
    if (Files.exists(DIR)) {
      try (var files = Files.walk(DIR)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().setWritable(true));
      }
      try (var files = Files.walk(DIR)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    Files.createDirectories(DIR);
    HolderHome holder = new HolderHome(HOLDER);
    SyntheticSource.generate(new SyntheticSource.Config(15, 200, 0), holder.source());
    Pipeline.run(holder, 0.5);
    ExtractProvisioner.provision(holder, new ProjectSpec("p-kill", "crash", new ProjectSpec.Approval("approved", "it",
        LocalDate.now()), Map.of("patient", List.of("*")), new ProjectSpec.Cohort(List.of(), null, null, null), null));
    Path copy = Files.createDirectories(DIR.resolve("copy"));
    Files.copy(SealedExtract.sealedPath(holder.extracts(), "p-kill"), SealedExtract.sealedPath(copy, "p-kill"));
    Files.copy(SealedExtract.manifestPath(holder.extracts(), "p-kill"), SealedExtract.manifestPath(copy, "p-kill"));
    // The holder's CLI, slowed down so the kill lands while it runs.
    KillablePayara.slowWrapper(WRAPPER, Holder.jar());

    PAYARA.start();
    String steward = Accounts.accessToken(Accounts.STEWARD);
    assertThat(api().post("api/registry/organisations", steward, "k-org", """
        {"id":"org-k","name":"Kill Clinic","certificationType":"type2","certificationNumber":"II-2026-99",
         "certifiedFrom":"%s","certifiedUntil":"%s"}""".formatted(TODAY.minusYears(1), TODAY.plusYears(1))).status())
        .isEqualTo(201);
    assertThat(api().post("api/registry/projects", steward, "k-project", """
        {"version":0,"id":"p-kill","title":"Kill","organisationId":"org-k","decisionNumber":"IRB-K","purpose":"crash",
         "dataScope":"{\\"projectId\\":\\"p-kill\\",\\"tables\\":{\\"patient\\":[\\"*\\"]}}",
         "approvedFrom":"%s","approvedUntil":"%s","members":{}}""".formatted(TODAY.minusDays(1), TODAY.plusYears(1)))
        .status()).isEqualTo(201);
    assertThat(api().post("api/closures/projects/p-kill", steward, "k-close",
        "{\"cause\":\"approval-withdrawn\",\"reason\":\"committee withdrew IRB-K\"}").status()).isEqualTo(202);

    // Wait for the holder's process, then SIGKILL the server under it.
    ProcessHandle deleting = PAYARA.child("slow-holder.sh", "delete-project");
    String seen = deleting.info().commandLine().orElse("");
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (!"SHREDDING".equals(closureState()) && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertThat(closureState()).as("state while " + seen + " runs; " + dump()).isEqualTo("SHREDDING");
    assertThat(deleting.isAlive()).as("still running at the kill: " + seen).isTrue();
    PAYARA.kill9();
    // The orphan finishes the deletion on its own; the server's row still says SHREDDING.
    deleting.onExit().get(120, TimeUnit.SECONDS);
    assertThat(closureState()).isEqualTo("SHREDDING");
    assertThat(holderEvents(holder, "project.deleted")).isEqualTo(1);

    PAYARA.start();
    String auditor = Accounts.accessToken(Accounts.AUDITOR);
    JsonNode c = null;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      c = api().get("api/closures/p-kill", auditor).body();
      if ("ended".equals(c.path("state").asText())) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(c.path("state").asText()).as(String.valueOf(c)).isEqualTo("ended");
    JsonNode cert = c.path("certificate");
    assertThat(cert.path("holder").path("status").asText()).isEqualTo("already-deleted");
    List<String> keys = new ArrayList<>();
    cert.path("holder").path("destroyedKeys").forEach(k -> keys.add(k.path("keyId").asText()));
    assertThat(keys).containsExactlyInAnyOrder(HolderHome.extractKey("p-kill"), HolderHome.projectPrfKey("p-kill"));
    assertThat(holderEvents(holder, "project.deleted")).as("the keys were destroyed once").isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'project.ended'")).isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'project.shredding'")).isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'project.shredding-resumed'")).isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'project.archived'")).isEqualTo(1);
    try (var dirs = Files.list(Services.home().resolve("archive"))) {
      assertThat(dirs.map(d -> d.getFileName().toString()).toList()).containsExactly("p-kill");
    }
    try (PrivateScratch scratch = PrivateScratch.create("it")) {
      assertThatThrownBy(() -> SealedExtract.open(SealedExtract.manifestPath(copy, "p-kill"), "p-kill",
          holder.extractVault(), scratch)).isInstanceOf(SealedStoreException.class).hasMessageContaining("does not exist");
    }
    JsonNode verified = api().get("api/audit/verify", auditor).body();
    assertThat(verified.path("valid").asBoolean()).as(verified.toString()).isTrue();
  }

  private static long holderEvents(HolderHome holder, String event) throws Exception {
    return Files.readAllLines(holder.audit()).stream().filter(l -> l.contains("\"" + event + "\"")
        && l.contains("\"p-kill\"")).count();
  }

  private static String dump() throws Exception {
    StringBuilder out = new StringBuilder();
    try (Connection c = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "");
        Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("select state, claimed_by, claimed_at, version, updated_at, archive_sha256 "
          + "from project_closure")) {
        while (rs.next()) {
          for (int i = 1; i <= 6; i++) {
            out.append(rs.getString(i)).append(' ');
          }
          out.append("; ");
        }
      }
      try (ResultSet rs = st.executeQuery("select seq, at, actor, event, target from audit_event order by seq")) {
        while (rs.next()) {
          out.append(rs.getString(1)).append(' ').append(rs.getString(2)).append(' ').append(rs.getString(4))
              .append(' ').append(rs.getString(5)).append(" | ");
        }
      }
      out.append(Services.jdbcUrl());
    }
    return out.toString();
  }

  private static String closureState() throws Exception {
    try (Connection c = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select state from project_closure where project_id = 'p-kill'")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static long count(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "");
        Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
