package jp.enclave.server.it;

import static jp.enclave.server.it.Accounts.RESEARCHER_SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.Pipeline;
import jp.enclave.pseudonymizer.project.ExtractProvisioner;
import jp.enclave.pseudonymizer.project.ProjectSpec;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.extract.SealedExtract;
import jp.enclave.server.launcher.PayaraServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code kill -9} of the server while the airlock and re-identification jobs are under way, then a
 * restart, as {@link ClosureCrashIT} does it for a project's deletion (Payara started with the
 * launcher's {@link PayaraServer} so the test can SIGKILL it; the job leases are the 6 s
 * {@link Services} gives crash tests). The output checker and the holder's CLI are wrapped to wait
 * four seconds first, so each kill lands while their process is alive. Killed while the checker
 * runs: the restarted server takes the job again after its lease and the request is checked once.
 * Killed while reviewers' votes (one of them the deciding, releasing vote) wait on the database:
 * each vote is there whole or absent, the same keyed requests apply each once, one release with
 * its hashes. Killed while the holder's {@code reidentify} runs: one completed result, one
 * {@code reid.completed}. Then, the checker slowed to 40 s: a re-identification approved while that
 * check runs completes before it (the runner's kinds run side by side), and Payara logs no warning
 * about the runner's threads.
 */
@ExtendWith(Services.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HolderJobCrashIT {
  private static final LocalDate TODAY = LocalDate.now(ZoneId.of("Asia/Tokyo"));
  private static final Path DIR = Holder.itDir().resolve("holder-job-crash");
  private static final Path HOLDER = DIR.resolve("holder");
  private static final String TABLE = "sex,persons\nF,120\nM,3\nTotal,123\n";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final KillablePayara PAYARA = new KillablePayara(DIR, Map.of("enclave.holder.home", HOLDER.toString(),
      "enclave.holder.command", DIR.resolve("slow-holder.sh").toString(),
      "enclave.checker.command", DIR.resolve("slow-checker.sh").toString(),
      "enclave.holder.work-dir", DIR.resolve("work-holder").toString(),
      "enclave.checker.work-dir", DIR.resolve("work-checker").toString()));
  private static List<String> pseudonyms;
  private static String exportId;

  private static Api api() throws Exception {
    return PAYARA.api();
  }

  @AfterAll
  static void stop() {
    PAYARA.close();
  }

  @Test
  @Order(1)
  void killedWhileTheCheckerRunsTheRequestIsCheckedOnceAfterRestart() throws Exception {
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
    ExtractProvisioner.provision(holder, new ProjectSpec("p-hjc", "crash", new ProjectSpec.Approval("approved", "it",
        LocalDate.now()), Map.of("patient", List.of("*")), new ProjectSpec.Cohort(List.of(), null, null, null), null));
    try (PrivateScratch scratch = PrivateScratch.create("it")) {
      SealedExtract.Opened opened = SealedExtract.open(SealedExtract.manifestPath(holder.extracts(), "p-hjc"), "p-hjc",
          holder.extractVault(), scratch);
      pseudonyms = new ArrayList<>();
      try (Connection c = jp.enclave.pseudonymizer.db.Duck.open(opened.database());
          Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT person_id FROM patient ORDER BY 1 LIMIT 3")) {
        while (r.next()) {
          pseudonyms.add(r.getString(1));
        }
      }
    }
    assertThat(pseudonyms).hasSize(3);
    KillablePayara.slowWrapper(DIR.resolve("slow-checker.sh"), Path.of(System.getProperty("enclave.checker.jar")));
    KillablePayara.slowWrapper(DIR.resolve("slow-holder.sh"), Holder.jar());

    PAYARA.start();
    String steward = Accounts.accessToken(Accounts.STEWARD);
    assertThat(api().post("api/registry/organisations", steward, "hjc-org", """
        {"id":"org-hjc","name":"Kill Clinic","certificationType":"type2","certificationNumber":"II-2026-98",
         "certifiedFrom":"%s","certifiedUntil":"%s"}""".formatted(TODAY.minusYears(1), TODAY.plusYears(1))).status())
        .isEqualTo(201);
    assertThat(api().post("api/registry/users", steward, "hjc-user", """
        {"subject":"%s","name":"Researcher","organisationId":"org-hjc"}""".formatted(RESEARCHER_SUBJECT)).status())
        .isEqualTo(201);
    Api.Reply project = api().post("api/registry/projects", steward, "hjc-project", """
        {"id":"p-hjc","title":"Kill","organisationId":"org-hjc","decisionNumber":"IRB-HJC","purpose":"crash",
         "dataScope":"{\\"projectId\\":\\"p-hjc\\",\\"tables\\":{\\"patient\\":[\\"*\\"]}}",
         "approvedFrom":"%s","approvedUntil":"%s","members":{"%s":"LEAD"}}"""
        .formatted(TODAY.minusDays(1), TODAY.plusYears(1), RESEARCHER_SUBJECT));
    assertThat(project.status()).as(project.body().toString()).isEqualTo(201);

    String researcher = Accounts.accessToken(Accounts.RESEARCHER);
    Api.Reply created = api().post("api/exports", researcher, "hjc-export", """
        {"projectId":"p-hjc","title":"Cases and counts"}""");
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    exportId = created.body().path("id").asText();
    String text = "Cases of the adverse event: " + String.join(", ", pseudonyms);
    assertThat(api().post("api/exports/" + exportId + "/items", researcher, "hjc-item-1", """
        {"id":"t1","type":"table","name":"by_sex.csv","content":%s,"queries":["q-1"]}"""
        .formatted(Api.JSON.writeValueAsString(TABLE))).status()).isEqualTo(201);
    assertThat(api().post("api/exports/" + exportId + "/items", researcher, "hjc-item-2", """
        {"id":"cases","type":"text","name":"cases.txt","content":%s}""".formatted(Api.JSON.writeValueAsString(text)))
        .status()).isEqualTo(201);
    assertThat(api().post("api/exports/" + exportId + "/submit", researcher, "hjc-submit", "{}").status()).isEqualTo(200);

    ProcessHandle checking = PAYARA.child("slow-checker.sh", "");
    String worker = null;
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (System.nanoTime() < until && !"CHECKING".equals(string("select state from export_request where id = '"
        + exportId + "'"))) {
      Thread.sleep(20);
    }
    assertThat(string("select state from export_request where id = '" + exportId + "'")).isEqualTo("CHECKING");
    worker = string("select claimed_by from export_check_job where request_id = '" + exportId + "' and state = 'running'");
    assertThat(worker).isNotNull();
    assertThat(checking.isAlive()).as("the checker still runs at the kill").isTrue();
    PAYARA.kill9();
    // The orphaned checker finishes on its own; nobody records its verdicts.
    checking.onExit().get(120, TimeUnit.SECONDS);
    assertThat(string("select state from export_request where id = '" + exportId + "'")).isEqualTo("CHECKING");
    assertThat(exportEvents("export.checked")).isZero();
    String jobId = string("select id from export_check_job where request_id = '" + exportId + "'");
    assertThat(DIR.resolve("work-checker").resolve(jobId)).as("the killed run's files").exists();

    PAYARA.start();
    JsonNode checked = waitForExport("checked");
    assertThat(checked.path("requiredApprovals").asInt()).as("the flagged cell asks for two reviewers").isEqualTo(2);
    assertThat(checked.path("items").toString()).contains("\"verdict\":\"fail\"");
    assertThat(exportEvents("export.check-started")).isEqualTo(1);
    assertThat(exportEvents("export.checked")).isEqualTo(1);
    assertThat(count("select count(*) from export_check_job where request_id = '" + exportId + "'")).isEqualTo(1);
    assertThat(string("select state || ' ' || claimed_by from export_check_job where request_id = '" + exportId + "'"))
        .as("taken again by the restarted server's worker").startsWith("done ").doesNotEndWith(" " + worker);
    assertThat(DIR.resolve("work-checker").resolve(jobId)).as("the killed run's files are gone").doesNotExist();
  }

  @Test
  @Order(2)
  void killedWhileVotesAndTheReleasingVoteAreInFlightEachIsAppliedOnce() throws Exception {
    Map<String, String> tokens = new LinkedHashMap<>();
    for (String r : List.of("reviewer", "reviewer-2", "reviewer-3")) {
      tokens.put(r, Accounts.accessToken(r));
    }
    String vote = """
        {"approve":true,"comment":"the suppressed table is safe","safeItems":["t1"]}""";
    Api.Reply first = api().post("api/exports/" + exportId + "/votes", tokens.get("reviewer"), "hjc-vote-1", vote);
    assertThat(first.status()).as(first.body().toString()).isEqualTo(201);
    assertThat(first.body().path("state").asText()).isEqualTo("in-review");

    // The deciding vote (it releases) and a third, held on the request's row lock when the server dies.
    List<CompletableFuture<Api.Reply>> inFlight = new ArrayList<>();
    try (Connection lock = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "")) {
      lock.setAutoCommit(false);
      try (Statement st = lock.createStatement()) {
        st.executeQuery("select id from export_request where id = '" + exportId + "' for update").close();
      }
      for (int i = 2; i <= 3; i++) {
        String reviewer = "reviewer-" + i;
        String key = "hjc-vote-" + i;
        inFlight.add(CompletableFuture.supplyAsync(() -> {
          try {
            return api().post("api/exports/" + exportId + "/votes", tokens.get(reviewer), key, vote);
          } catch (Exception e) {
            return null; // the server died under the request
          }
        }));
      }
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < until && waitingOnLocks() < 2) {
        Thread.sleep(20);
      }
      assertThat(waitingOnLocks()).as("both votes wait on the database").isGreaterThanOrEqualTo(2);
      PAYARA.kill9();
      lock.rollback();
    }
    for (CompletableFuture<Api.Reply> f : inFlight) {
      assertThat(f.get(60, TimeUnit.SECONDS)).as("no answer from a killed server").isNull();
    }
    // The killed server's transactions end without a commit once their sessions notice.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < until && openTransactions() > 0) {
      Thread.sleep(100);
    }
    assertThat(openTransactions()).isZero();
    assertThat(string("select state from export_request where id = '" + exportId + "'")).isEqualTo("IN_REVIEW");
    assertThat(count("select count(*) from export_vote where request_id = '" + exportId + "'")).isEqualTo(1);
    assertThat(exportEvents("export.voted")).isEqualTo(1);
    assertThat(exportEvents("export.released")).isZero();
    assertThat(count("select count(*) from project_release where request_id = '" + exportId + "'")).isZero();

    PAYARA.start();
    for (String r : tokens.keySet()) {
      tokens.put(r, Accounts.accessToken(r));
    }
    Api.Reply again1 = api().post("api/exports/" + exportId + "/votes", tokens.get("reviewer"), "hjc-vote-1", vote);
    assertThat(again1.status()).isEqualTo(201);
    assertThat(again1.raw().headers().firstValue("Idempotency-Replayed")).contains("true");
    assertThat(again1.body()).isEqualTo(first.body());
    Api.Reply again2 = api().post("api/exports/" + exportId + "/votes", tokens.get("reviewer-2"), "hjc-vote-2", vote);
    assertThat(again2.status()).as(again2.body().toString()).isEqualTo(201);
    assertThat(again2.raw().headers().firstValue("Idempotency-Replayed")).isEmpty();
    assertThat(again2.body().path("state").asText()).isEqualTo("released");
    JsonNode release = again2.body().path("release");
    Api.Reply again3 = api().post("api/exports/" + exportId + "/votes", tokens.get("reviewer-3"), "hjc-vote-3", vote);
    assertThat(again3.status()).isEqualTo(409);
    assertThat(again3.code()).isEqualTo("export-transition-invalid");
    // And once more, all at once: the applied ones replay, the late one is refused again.
    List<CompletableFuture<Api.Reply>> repeats = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      String reviewer = i == 1 ? "reviewer" : "reviewer-" + i;
      String key = "hjc-vote-" + i;
      repeats.add(CompletableFuture.supplyAsync(() -> {
        try {
          return api().post("api/exports/" + exportId + "/votes", tokens.get(reviewer), key, vote);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    assertThat(repeats.get(0).get(60, TimeUnit.SECONDS).raw().headers().firstValue("Idempotency-Replayed")).contains("true");
    Api.Reply replay2 = repeats.get(1).get(60, TimeUnit.SECONDS);
    assertThat(replay2.raw().headers().firstValue("Idempotency-Replayed")).contains("true");
    assertThat(replay2.body()).isEqualTo(again2.body());
    assertThat(repeats.get(2).get(60, TimeUnit.SECONDS).code()).isEqualTo("export-transition-invalid");

    assertThat(count("select count(*) from export_vote where request_id = '" + exportId + "'")).isEqualTo(2);
    assertThat(exportEvents("export.voted")).isEqualTo(2);
    assertThat(exportEvents("export.approved")).isEqualTo(1);
    assertThat(exportEvents("export.released")).isEqualTo(1);
    assertThat(count("select count(*) from project_release where request_id = '" + exportId + "'")).isEqualTo(1);
    String sha = release.path("packageSha256").asText();
    assertThat(sha).hasSize(64);
    assertThat(string("select package_sha256 from project_release where request_id = '" + exportId + "'")).isEqualTo(sha);
    HttpResponse<byte[]> zip = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + PAYARA.port() + "/api/exports/"
        + exportId + "/release/package")).header("Authorization", "Bearer " + Accounts.accessToken(Accounts.RESEARCHER))
        .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(zip.statusCode()).isEqualTo(200);
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(zip.body()))).isEqualTo(sha);
  }

  @Test
  @Order(3)
  void killedWhileTheHolderReidentifiesOneResultIsCompletedAfterRestart() throws Exception {
    Api.Reply filed = api().post("api/reidentifications", Accounts.accessToken("inspector"), "hjc-reid", """
        {"exportId":"%s","pseudonyms":["%s","%s"],"legalBasis":"PMD Act art. 69 (on-site inspection 2026-099)"}"""
        .formatted(exportId, pseudonyms.get(0), pseudonyms.get(1)));
    assertThat(filed.status()).as(filed.body().toString()).isEqualTo(201);
    String reidId = filed.body().path("id").asText();
    Api.Reply one = api().post("api/reidentifications/" + reidId + "/approve", Accounts.accessToken("reid-officer-1"),
        "hjc-approve-1", null);
    assertThat(one.status()).as(one.body().toString()).isEqualTo(200);
    Api.Reply two = api().post("api/reidentifications/" + reidId + "/approve", Accounts.accessToken("reid-officer-2"),
        "hjc-approve-2", null);
    assertThat(two.body().path("state").asText()).isEqualTo("approved");

    ProcessHandle reidentifying = PAYARA.child("slow-holder.sh", "reidentify");
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (System.nanoTime() < until && !"RUNNING".equals(string("select state from reid_request where id = '"
        + reidId + "'"))) {
      Thread.sleep(20);
    }
    assertThat(string("select state from reid_request where id = '" + reidId + "'")).isEqualTo("RUNNING");
    String worker = string("select claimed_by from reid_job where request_id = '" + reidId + "'");
    assertThat(reidentifying.isAlive()).as("the holder still runs at the kill").isTrue();
    PAYARA.kill9();
    reidentifying.onExit().get(120, TimeUnit.SECONDS);
    assertThat(string("select state from reid_request where id = '" + reidId + "'")).isEqualTo("RUNNING");
    assertThat(count("select count(*) from reid_result")).isZero();
    // The orphan resolved the pseudonyms: the holder's trail says so, its answer lies in the work folder.
    HolderHome holder = new HolderHome(HOLDER);
    assertThat(holderRuns(holder, reidId)).isEqualTo(1);
    String jobId = string("select id from reid_job where request_id = '" + reidId + "'");
    assertThat(DIR.resolve("work-holder").resolve(jobId).resolve("result.json")).exists();

    PAYARA.start();
    String officer = Accounts.accessToken("reid-officer-1");
    JsonNode v = null;
    until = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < until) {
      v = api().get("api/reidentifications/" + reidId, officer).body();
      if (List.of("completed", "failed").contains(v.path("state").asText())) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(v.path("state").asText()).as(String.valueOf(v)).isEqualTo("completed");
    // The approvals, repeated with their keys, replay: nothing is approved twice, nothing runs again.
    Api.Reply replayed = api().post("api/reidentifications/" + reidId + "/approve", Accounts.accessToken("reid-officer-2"),
        "hjc-approve-2", null);
    assertThat(replayed.raw().headers().firstValue("Idempotency-Replayed")).contains("true");
    assertThat(replayed.body()).isEqualTo(two.body());
    Api.Reply result = api().get("api/reidentifications/" + reidId + "/result", Accounts.accessToken("inspector"));
    assertThat(result.status()).isEqualTo(200);
    assertThat(result.body().path("sources").size()).isEqualTo(2);
    String target = "target = 'reid/" + reidId + "'";
    assertThat(count("select count(*) from audit_event where event = 'reid.approved' and " + target)).isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'reid.started' and " + target)).isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'reid.completed' and " + target)).isEqualTo(1);
    assertThat(count("select count(*) from reid_result where request_id = '" + reidId + "'")).isEqualTo(1);
    assertThat(string("select state || ' ' || claimed_by from reid_job where request_id = '" + reidId + "'"))
        .as("taken again by the restarted server's worker").startsWith("done ").doesNotEndWith(" " + worker);
    assertThat(count("select count(*) from reid_job where request_id = '" + reidId + "'")).isEqualTo(1);
    // The resumed job asked the holder again (a read: the holder's trail records both runs) and
    // removed the orphan's source references with its own.
    assertThat(holderRuns(holder, reidId)).isEqualTo(2);
    assertThat(DIR.resolve("work-holder").resolve(jobId)).doesNotExist();
    Thread.sleep(3000); // later ticks leave both jobs alone
    assertThat(count("select count(*) from audit_event where event = 'reid.completed'")).isEqualTo(1);
    assertThat(exportEvents("export.checked")).isEqualTo(1);
    JsonNode verified = api().get("api/audit/verify", Accounts.accessToken(Accounts.AUDITOR)).body();
    assertThat(verified.path("valid").asBoolean()).as(verified.toString()).isTrue();
  }

  @Test
  @Order(4)
  void aLongCheckDoesNotHoldUpAReidentification() throws Exception {
    // The checker now waits 40 s before it starts: a check that long, under way, while a re-identification is approved.
    Path wrapper = DIR.resolve("slow-checker.sh");
    String fourSeconds = Files.readString(wrapper);
    Files.writeString(wrapper, fourSeconds.replace("sleep 4", "sleep 40"));
    try {
      String researcher = Accounts.accessToken(Accounts.RESEARCHER);
      Api.Reply created = api().post("api/exports", researcher, "hjc-export-long", """
          {"projectId":"p-hjc","title":"A long check"}""");
      assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
      String longId = created.body().path("id").asText();
      assertThat(api().post("api/exports/" + longId + "/items", researcher, "hjc-item-long", """
          {"id":"t1","type":"table","name":"by_sex.csv","content":%s,"queries":["q-1"]}"""
          .formatted(Api.JSON.writeValueAsString(TABLE))).status()).isEqualTo(201);
      assertThat(api().post("api/exports/" + longId + "/submit", researcher, "hjc-submit-long", "{}").status())
          .isEqualTo(200);
      ProcessHandle checking = PAYARA.child("slow-checker.sh", "");

      Api.Reply filed = api().post("api/reidentifications", Accounts.accessToken("inspector"), "hjc-reid-2", """
          {"exportId":"%s","pseudonyms":["%s"],"legalBasis":"PMD Act art. 69 (on-site inspection 2026-100)"}"""
          .formatted(exportId, pseudonyms.get(2)));
      assertThat(filed.status()).as(filed.body().toString()).isEqualTo(201);
      String reidId = filed.body().path("id").asText();
      assertThat(api().post("api/reidentifications/" + reidId + "/approve", Accounts.accessToken("reid-officer-1"),
          "hjc-approve-2-1", null).status()).isEqualTo(200);
      long approved = System.nanoTime();
      assertThat(api().post("api/reidentifications/" + reidId + "/approve", Accounts.accessToken("reid-officer-2"),
          "hjc-approve-2-2", null).body().path("state").asText()).isEqualTo("approved");
      String officer = Accounts.accessToken("reid-officer-1");
      JsonNode v = null;
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < until && checking.isAlive()) {
        v = api().get("api/reidentifications/" + reidId, officer).body();
        if (List.of("completed", "failed").contains(v.path("state").asText())) {
          break;
        }
        Thread.sleep(200);
      }
      System.out.printf("re-identification %s %.1f s after its approval, the check running: %s%n",
          v.path("state").asText(), (System.nanoTime() - approved) / 1e9, checking.isAlive());
      assertThat(v.path("state").asText()).as(String.valueOf(v)).isEqualTo("completed");
      assertThat(checking.isAlive()).as("the check still runs").isTrue();
      assertThat(string("select state from export_request where id = '" + longId + "'")).isEqualTo("CHECKING");
      assertThat(string("select state from export_check_job where request_id = '" + longId + "'")).isEqualTo("running");
      assertThat(string("select state || ' ' || outcome from reid_job where request_id = '" + reidId + "'"))
          .isEqualTo("done completed");

      // The long check, its lease renewed all along (6 s leases here), ends once, by its first worker.
      String worker = string("select claimed_by from export_check_job where request_id = '" + longId + "'");
      until = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (System.nanoTime() < until && !"CHECKED".equals(string("select state from export_request where id = '"
          + longId + "'"))) {
        Thread.sleep(500);
      }
      assertThat(string("select state from export_request where id = '" + longId + "'")).isEqualTo("CHECKED");
      assertThat(string("select state || ' ' || claimed_by from export_check_job where request_id = '" + longId + "'"))
          .isEqualTo("done " + worker);
      assertThat(count("select count(*) from audit_event where event = 'export.check-started' and target = 'export/"
          + longId + "'")).isEqualTo(1);
    } finally {
      Files.writeString(wrapper, fourSeconds);
    }
    // The lease renewals and the lanes ran on the managed executor: Payara no longer warns about plain threads.
    try (var logs = Files.find(DIR, 2, (f, a) -> f.getFileName().toString().equals("payara.log"))) {
      for (Path log : logs.toList()) {
        assertThat(Files.readString(log)).as(log.toString()).doesNotContain("No ComponentInvocation present")
            .doesNotContain("currentInvocation==null");
      }
    }
  }

  private static long holderRuns(HolderHome holder, String reidId) throws Exception {
    return Files.readAllLines(holder.audit()).stream().filter(l -> l.contains("\"reidentification.run\"")
        && l.contains("\"" + reidId + "\"")).count();
  }

  private static JsonNode waitForExport(String state) throws Exception {
    String researcher = Accounts.accessToken(Accounts.RESEARCHER);
    long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    JsonNode last = null;
    while (System.nanoTime() < until) {
      last = api().get("api/exports/" + exportId, researcher).body();
      if (last.path("state").asText().equals(state)) {
        return last;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("request " + exportId + " did not reach " + state + ": " + last);
  }

  private static long exportEvents(String event) throws Exception {
    return count("select count(*) from audit_event where event = '" + event + "' and target = 'export/" + exportId + "'");
  }

  /** Sessions of this database (other than the test's own) blocked on a lock. */
  private static long waitingOnLocks() throws Exception {
    return count("select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
  }

  private static long openTransactions() throws Exception {
    return count("select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() "
        + "and state in ('active', 'idle in transaction', 'idle in transaction (aborted)')");
  }

  private static String string(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "");
        Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
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
