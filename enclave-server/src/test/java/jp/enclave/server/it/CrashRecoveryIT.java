package jp.enclave.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jp.enclave.server.launcher.PayaraServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code kill -9} of the server, for real: Payara Micro is started with the launcher's own
 * {@link PayaraServer} (not through Arquillian, so the test can SIGKILL it) against the real
 * PostgreSQL and Keycloak. Killed in the middle of a provisioning job, then restarted: the job is
 * found running, queued again and re-run; the holder provisions the extract exactly once. Killed in
 * the middle of a burst of registrations: every change is there with its audit row or absent,
 * the chain verifies, and retrying every request with its idempotency key applies each once.
 */
@ExtendWith(Services.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashRecoveryIT {
  private static final LocalDate TODAY = LocalDate.now(ZoneId.of("Asia/Tokyo"));
  private static final Path DIR = Holder.itDir().resolve("crash");
  private static final KillablePayara PAYARA = new KillablePayara(DIR, Map.of());
  private static String steward;
  private static String auditor;

  private static Api api() throws Exception {
    return PAYARA.api();
  }

  @AfterAll
  static void stop() {
    PAYARA.close();
  }

  @Test
  @Order(1)
  void killedMidProvisioningTheJobIsRecoveredAndTheExtractMadeOnce() throws Exception {
    PAYARA.start();
    steward = Accounts.accessToken(Accounts.STEWARD);
    auditor = Accounts.accessToken(Accounts.AUDITOR);
    assertThat(api().post("api/registry/organisations", steward, "c-org", """
        {"id":"org-c","name":"Kyoto Clinic","certificationType":"type2","certificationNumber":"II-2026-7",
         "certifiedFrom":"%s","certifiedUntil":"%s"}""".formatted(TODAY.minusYears(1), TODAY.plusYears(1))).status())
        .isEqualTo(201);
    String scope = "{\"projectId\":\"p-crash\",\"tables\":{\"patient\":[\"*\"],\"encounter\":[\"*\"],"
        + "\"diagnosis\":[\"*\"],\"medication\":[\"*\"],\"lab_result\":[\"*\"],\"vital_sign\":[\"*\"],"
        + "\"clinical_note\":[\"*\"]}}";
    Api.Reply project = api().post("api/registry/projects", steward, "c-project", """
        {"version":0,"id":"p-crash","title":"Crash","organisationId":"org-c","decisionNumber":"IRB-C",
         "purpose":"recovery","dataScope":%s,"approvedFrom":"%s","approvedUntil":"%s","members":{}}"""
        .formatted(Api.JSON.valueToTree(scope), TODAY.minusDays(1), TODAY.plusYears(1)));
    assertThat(project.status()).as(project.body().toString()).isEqualTo(201);
    Holder.ready();
    Holder.forget("p-crash");
    long provisionedBefore = Holder.holderEvents("project.provisioned", "p-crash");

    String job = api().post("api/provisioning/projects/p-crash", steward, "c-prov", null).body()
        .path("job").path("id").asText();
    // Wait until the holder's pipeline runs and has reported a step, then SIGKILL the server.
    long deadline = System.nanoTime() + 120_000_000_000L;
    Map<String, Object> row = Map.of();
    while (System.nanoTime() < deadline) {
      row = job(job);
      if ("RUNNING".equals(row.get("state")) && !"queued".equals(row.get("phase"))) {
        break;
      }
      Thread.sleep(20);
    }
    assertThat(row.get("state")).as(row.toString()).isEqualTo("RUNNING");
    Optional<ProcessHandle> pipeline = PAYARA.process().descendants()
        .filter(h -> h.info().commandLine().orElse("").contains("pseudonymizer")).findFirst();
    PAYARA.kill9();
    System.out.println("killed the server at " + row + "; holder pipeline still running: "
        + pipeline.map(ProcessHandle::isAlive).orElse(false));
    assertThat(job(job).get("state")).as("the database still says running").isEqualTo("RUNNING");

    PAYARA.start();
    Map<String, Object> done = Map.of();
    deadline = System.nanoTime() + 240_000_000_000L;
    while (System.nanoTime() < deadline) {
      done = job(job);
      if (Set.of("SUCCEEDED", "FAILED").contains(done.get("state"))) {
        break;
      }
      Thread.sleep(300);
    }
    assertThat(done.get("state")).as(done.toString()).isEqualTo("SUCCEEDED");
    assertThat(done.get("attempt")).isEqualTo(2);
    pipeline.ifPresent(h -> h.onExit().join()); // the first run's orphan is gone by now, or ends here
    System.out.println("recovered: " + done);

    // Nothing applied twice: the holder made the extract once, the server recorded one success.
    assertThat(Holder.holderEvents("project.provisioned", "p-crash") - provisionedBefore).isEqualTo(1);
    assertThat(ProvisioningIT.count("select count(*) from audit_event where event = 'provisioning.started'"))
        .isEqualTo(2);
    assertThat(ProvisioningIT.count("select count(*) from audit_event where event = 'provisioning.interrupted'"))
        .isEqualTo(1);
    assertThat(ProvisioningIT.count("select count(*) from audit_event where event = 'provisioning.succeeded'"))
        .isEqualTo(1);
    assertThat(Holder.gateway().resolve("extracts/p-crash.manifest.json")).exists();
    auditor = Accounts.accessToken(Accounts.AUDITOR); // tokens live 5 minutes; two server starts take a while
    JsonNode verified = api().get("api/audit/verify", auditor).body();
    assertThat(verified.path("valid").asBoolean()).as(verified.toString()).isTrue();
  }

  @Test
  @Order(2)
  void killedMidRegistrationsEveryChangeIsWholeOrAbsentAndAppliedOnce() throws Exception {
    if (!PAYARA.running()) {
      PAYARA.start();
    }
    steward = Accounts.accessToken(Accounts.STEWARD);
    int clients = 6;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    Map<String, Integer> answered = new ConcurrentHashMap<>();
    Set<String> sent = ConcurrentHashMap.newKeySet();
    AtomicInteger next = new AtomicInteger();
    for (int c = 0; c < clients; c++) {
      pool.submit(() -> {
        while (true) {
          String id = "org-k" + next.incrementAndGet();
          sent.add(id);
          try {
            answered.put(id, api().post("api/registry/organisations", steward, "key-" + id, org(id)).status());
          } catch (Exception e) {
            return; // the server is gone
          }
        }
      });
    }
    // Let the writers run, then kill the server in the middle of their transactions.
    long until = System.nanoTime() + 120_000_000_000L;
    while (answered.size() < 20 && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    assertThat(answered.values()).as("the writers ran").contains(201);
    PAYARA.kill9();
    pool.shutdown();
    assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    System.out.println("killed during registrations: " + sent.size() + " sent, " + answered.size() + " answered");

    // Straight after the kill, before any restart: each change is there with its audit row, or absent.
    assertWholeOrAbsent();
    PAYARA.start();
    assertWholeOrAbsent();
    answered.forEach((id, status) -> {
      if (status == 201) {
        assertThat(exists(id)).as("answered 201 before the kill: " + id).isTrue();
      }
    });
    // A client retries every request it is unsure of, with the same key: each is applied once.
    for (String id : sent) {
      Api.Reply r = api().post("api/registry/organisations", steward, "key-" + id, org(id));
      assertThat(r.status()).as(id + ": " + r.body()).isEqualTo(201);
    }
    assertWholeOrAbsent();
    assertThat(ProvisioningIT.count("select count(*) from organisation where id like 'org-k%'")).isEqualTo(sent.size());
    auditor = Accounts.accessToken(Accounts.AUDITOR);
    JsonNode verified = api().get("api/audit/verify", auditor).body();
    assertThat(verified.path("valid").asBoolean()).as(verified.toString()).isTrue();
  }

  private static String org(String id) {
    return """
        {"id":"%s","name":"Clinic %s","certificationType":"type2","certificationNumber":"II-%s",
         "certifiedFrom":"%s","certifiedUntil":"%s"}""".formatted(id, id, id, TODAY.minusYears(1), TODAY.plusYears(1));
  }

  /** Every organisation has exactly one registration audit row and every such row its organisation; no gap in the chain. */
  private static void assertWholeOrAbsent() throws Exception {
    assertThat(ProvisioningIT.count("select count(*) from organisation o where (select count(*) from audit_event a "
        + "where a.event = 'organisation.registered' and a.target = 'organisation/' || o.id) <> 1")).isZero();
    assertThat(ProvisioningIT.count("select count(*) from audit_event a where a.event = 'organisation.registered' "
        + "and not exists (select 1 from organisation o where a.target = 'organisation/' || o.id)")).isZero();
    assertThat(ProvisioningIT.count("select (select count(*) from audit_event) - (select max(seq) from audit_event)"))
        .isZero();
    assertThat(ProvisioningIT.count("select count(*) from audit_head h where h.seq = (select max(seq) from audit_event) "
        + "and h.hash = (select hash from audit_event where seq = h.seq)")).isEqualTo(1);
  }

  private static boolean exists(String id) {
    try {
      return ProvisioningIT.count("select count(*) from organisation where id = '" + id + "'") == 1;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> job(String id) throws Exception {
    try (Connection c = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "");
        PreparedStatement s = c.prepareStatement("select state, phase, percent, attempt, reason, result "
            + "from provisioning_job where id = ?")) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Map.of();
        }
        Map<String, Object> out = new HashMap<>();
        for (String col : List.of("state", "phase", "reason", "result")) {
          out.put(col, String.valueOf(r.getString(col)));
        }
        out.put("percent", r.getInt("percent"));
        out.put("attempt", r.getInt("attempt"));
        return out;
      }
    }
  }
}
