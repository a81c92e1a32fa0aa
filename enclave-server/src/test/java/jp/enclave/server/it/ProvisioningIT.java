package jp.enclave.server.it;

import static jp.enclave.server.it.Accounts.RESEARCHER_SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Provisioning on Payara Micro with real PostgreSQL and Keycloak, running the real pseudonymizer
 * CLI over a small synthetic source: a steward's request provisions once (a repeat returns the
 * same job), the extract reaches the gateway's zone home, a bad scope fails with the holder's
 * reason and leaves the project unprovisioned, the holder's inventory and dictionary are imported,
 * the public register has a releases column; then the same in the portal's browser pages.
 */
@ExtendWith(Services.class)
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProvisioningIT {
  private static final LocalDate TODAY = LocalDate.now(ZoneId.of("Asia/Tokyo"));
  private static String steward;
  private static String researcher;
  private static String auditor;

  @ArquillianResource
  URL base;

  @Deployment(testable = false)
  static WebArchive war() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("enclave.war")));
  }

  private Api api() {
    return new Api(base);
  }

  static String project(String id, String scope) {
    return """
        {"version":0,"id":"%s","title":"Project %s","organisationId":"org-p","decisionNumber":"IRB-2026-%s",
         "purpose":"treatment outcomes","dataScope":%s,"approvedFrom":"%s","approvedUntil":"%s",
         "members":{"%s":"LEAD"}}""".formatted(id, id, id, Api.JSON.valueToTree(scope), TODAY.minusDays(10),
        TODAY.plusYears(1), RESEARCHER_SUBJECT);
  }

  static final String GOOD_SCOPE = """
      {"projectId":"p-prov","tables":{"patient":["*"],"diagnosis":["person_id","icd10","diagnosis_date"],
       "lab_result":["*"]},"cohort":{"diagnosisIcd10Prefixes":["E11"]}}""";

  @Test
  @Order(1)
  void setUpRegistryAndHolder() throws Exception {
    steward = Accounts.accessToken(Accounts.STEWARD);
    researcher = Accounts.accessToken(Accounts.RESEARCHER);
    auditor = Accounts.accessToken(Accounts.AUDITOR);
    assertThat(api().post("api/registry/organisations", steward, "p-org", """
        {"id":"org-p","name":"Osaka Medical University","certificationType":"type2","certificationNumber":"II-2026-9",
         "certifiedFrom":"%s","certifiedUntil":"%s"}""".formatted(TODAY.minusYears(1), TODAY.plusYears(1))).status())
        .isEqualTo(201);
    assertThat(api().post("api/registry/users", steward, "p-user", """
        {"subject":"%s","name":"Demo Researcher","organisationId":"org-p"}""".formatted(RESEARCHER_SUBJECT)).status())
        .isEqualTo(201);
    for (String[] p : new String[][] {{"p-prov", GOOD_SCOPE},
        {"p-bad", "{\"projectId\":\"p-bad\",\"tables\":{\"patients\":[\"*\"],\"diagnosis\":[\"colour\"]}}"},
        {"p-browser", "{\"projectId\":\"p-browser\",\"tables\":{\"patient\":[\"*\"],\"diagnosis\":[\"*\"]}}"}}) {
      Api.Reply r = api().post("api/registry/projects", steward, "p-" + p[0], project(p[0], p[1]));
      assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
    }
    Holder.ready();
    for (String p : new String[] {"p-prov", "p-bad", "p-browser"}) {
      Holder.forget(p);
    }
  }

  @Test
  @Order(2)
  void aStewardProvisionsOnceAndTheExtractReachesTheGatewayZone() throws Exception {
    long provisionedBefore = Holder.holderEvents("project.provisioned", "p-prov");
    Api.Reply first = api().post("api/provisioning/projects/p-prov", steward, "prov-1", null);
    assertThat(first.status()).as(first.body().toString()).isEqualTo(202);
    String jobId = first.body().path("job").path("id").asText();
    assertThat(first.body().path("created").asBoolean()).isTrue();

    // A second request (another key, e.g. another steward's click) while it runs: the same job.
    Api.Reply twice = api().post("api/provisioning/projects/p-prov", steward, "prov-2", null);
    assertThat(twice.status()).isEqualTo(200);
    assertThat(twice.body().path("job").path("id").asText()).isEqualTo(jobId);
    // The same key again: the first answer replayed.
    Api.Reply replay = api().post("api/provisioning/projects/p-prov", steward, "prov-1", null);
    assertThat(replay.raw().headers().firstValue("Idempotency-Replayed")).contains("true");

    long t0 = System.nanoTime();
    JsonNode done = awaitFinished(jobId);
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("provisioning p-prov (%d patients, 3 tables, E11 cohort) finished in %.1f s%n",
        Holder.PATIENTS, seconds);
    assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
    assertThat(done.path("percent").asInt()).isEqualTo(100);
    JsonNode result = Api.JSON.readTree(done.path("result").asText());
    assertThat(result.path("alreadyProvisioned").asBoolean()).isFalse();
    assertThat(result.path("tables").path("diagnosis").asLong()).isPositive();
    assertThat(result.path("exportedTo").asInt()).isEqualTo(1);
    assertThat(Holder.gateway().resolve("extracts/p-prov.manifest.json")).exists();
    assertThat(Holder.gateway().resolve("extracts/p-prov.duckdb.sealed")).exists();

    // Done: asking again returns the finished job; nothing is provisioned twice.
    Api.Reply after = api().post("api/provisioning/projects/p-prov", steward, "prov-3", null);
    assertThat(after.status()).isEqualTo(200);
    assertThat(after.body().path("job").path("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(Holder.holderEvents("project.provisioned", "p-prov") - provisionedBefore).isEqualTo(1);
    assertThat(count("select count(*) from provisioning_job where project_id = 'p-prov'")).isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'provisioning.requested'")).isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'provisioning.succeeded'")).isEqualTo(1);
  }

  @Test
  @Order(3)
  void aBadScopeLeavesTheProjectUnprovisionedWithTheHoldersReason() throws Exception {
    Api.Reply r = api().post("api/provisioning/projects/p-bad", steward, "bad-1", null);
    assertThat(r.status()).isEqualTo(202);
    JsonNode done = awaitFinished(r.body().path("job").path("id").asText());
    assertThat(done.path("state").asText()).isEqualTo("FAILED");
    assertThat(done.path("reason").asText()).contains("tables.patients: no such table",
        "tables.diagnosis: no column 'colour'").doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(Holder.home().resolve("extracts/p-bad.manifest.json")).doesNotExist();
    assertThat(Holder.gateway().resolve("extracts/p-bad.manifest.json")).doesNotExist();
    assertThat(count("select count(*) from audit_event where event = 'provisioning.failed' and detail like '%no such table%'"))
        .isEqualTo(1);

    // A researcher may not provision; the denial is audited and nothing is queued.
    Api.Reply denied = api().post("api/provisioning/projects/p-browser", researcher, "deny-1", null);
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.code()).isEqualTo("not-permitted");
    assertThat(count("select count(*) from provisioning_job where project_id = 'p-browser'")).isZero();
  }

  @Test
  @Order(4)
  void theInventoryAndDictionaryComeFromTheHoldersReport() throws Exception {
    JsonNode inv = awaitInventoryWith("p-prov");
    List<String> kinds = new ArrayList<>();
    inv.path("assets").forEach(a -> kinds.add(a.path("kind").asText() + ":" + a.path("status").asText()));
    assertThat(kinds).contains("source-delivery:current", "store-build:current", "extract:current");
    for (JsonNode a : inv.path("assets")) {
      assertThat(a.path("owner").path("ja").asText()).isNotBlank();
      assertThat(a.path("legalBasis").path("en").asText()).contains("Next Generation Medical Infrastructure Act");
      assertThat(a.path("retention").path("ja").asText()).isNotBlank();
    }
    assertThat(api().get("api/inventory", researcher).status()).isEqualTo(403);

    Api.Reply dict = api().get("api/inventory/dictionary", researcher);
    assertThat(dict.status()).isEqualTo(200);
    assertThat(dict.body().toString()).contains("\"name\":\"icd10\"", "\"codeSystem\":\"ICD-10\"",
        "\"codeSystem\":\"YJ\"", "\"codeSystem\":\"JLAC10\"", "\"sensitivity\":\"free_text\"");

    // A report carrying anything but metadata is refused whole.
    Api.Reply bad = api().post("api/inventory", steward, "inv-bad", inv.toString().replaceFirst("\"assets\":\\[\\{",
        "\"assets\":[{\"sample\":\"内閣 花子\","));
    assertThat(bad.status()).isIn(400, 422);
    assertThat(bad.code()).isEqualTo("invalid-inventory");

    Api.Reply pub = api().get("api/public/projects", null);
    assertThat(pub.body().toString()).contains("\"releases\":[]");
  }

  @Test
  @Order(5)
  void inThePortalTheStewardProvisionsAndTheResearcherReadsTheDictionary() throws Exception {
    String base = Api.local(this.base);
    WebDriver steward = Browsers.open("ja");
    try {
      Browsers.signIn(steward, base + "portal/provisioning.xhtml", Accounts.STEWARD, "prov-01-steward");
      Browsers.shot(steward, "prov-01-provisioning-page");
      steward.findElement(By.xpath("//tr[td[normalize-space()='p-browser']]//input[@type='submit']")).click();
      Browsers.await(steward, 60).until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"),
          "p-browser"));
      Browsers.shot(steward, "prov-02-requested");
      // The page reloads itself while the job runs, until the job shows its outcome.
      By browserJob = By.xpath("//table[@id='jobs']//tr[td[normalize-space()='p-browser']]");
      Browsers.await(steward, 240).until(d -> d.findElements(browserJob).stream()
          .anyMatch(e -> e.getText().contains("作成済み")));
      assertThat(steward.findElement(browserJob).getText()).contains("100 %", "patient", "diagnosis");
      String jobs = steward.findElement(By.id("jobs")).getText();
      assertThat(jobs).contains("失敗（未作成）").contains("no such table"); // p-bad's reason is shown
      Browsers.shot(steward, "prov-03-provisioned");

      steward.get(base + "portal/inventory.xhtml");
      // The runner imports the holder's report right after the job: reload until it names the extract.
      Browsers.await(steward, 60).until(d -> {
        d.navigate().refresh();
        return d.findElements(By.id("assets")).stream().anyMatch(e -> e.getText().contains("p-browser"));
      });
      assertThat(steward.findElement(By.id("assets")).getText()).contains("プロジェクト抽出データ", "p-browser",
          "次世代医療基盤法");
      Browsers.shot(steward, "prov-04-inventory");
    } finally {
      steward.quit();
    }

    WebDriver researcher = Browsers.open("ja");
    try {
      Browsers.signIn(researcher, base + "portal/dictionary.xhtml", Accounts.RESEARCHER, "prov-05-researcher");
      String text = researcher.findElement(By.id("dictionary")).getText();
      assertThat(text).contains("diagnosis", "icd10", "ICD-10", "YJコード", "JLAC10", "自由記載（オンサイトのみ）");
      Browsers.shot(researcher, "prov-05-dictionary");
      researcher.findElement(By.id("lang:en")).click();
      Browsers.await(researcher, 60).until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"),
          "Data dictionary"));
      assertThat(researcher.findElement(By.id("dictionary")).getText()).contains("Free text (onsite only)");
      Browsers.shot(researcher, "prov-06-dictionary-english");
      researcher.get(base + "index.xhtml");
      assertThat(researcher.findElement(By.id("approved")).getText()).contains("Releases", "none yet");
      Browsers.shot(researcher, "prov-07-public-releases");
    } finally {
      researcher.quit();
    }
  }

  private JsonNode awaitFinished(String jobId) throws Exception {
    long deadline = System.nanoTime() + 240_000_000_000L;
    JsonNode j = null;
    while (System.nanoTime() < deadline) {
      Api.Reply r = api().get("api/provisioning/" + jobId, steward);
      assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
      j = r.body();
      if (j.path("state").asText().equals("SUCCEEDED") || j.path("state").asText().equals("FAILED")) {
        return j;
      }
      Thread.sleep(300);
    }
    throw new AssertionError("job " + jobId + " did not finish: " + j);
  }

  private JsonNode awaitInventoryWith(String project) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    Api.Reply r = null;
    while (System.nanoTime() < deadline) {
      r = api().get("api/inventory", auditor);
      if (r.status() == 200 && r.body().toString().contains("\"project\":\"" + project + "\"")) {
        return r.body();
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no inventory naming " + project + ": " + (r == null ? null : r.body()));
  }

  static long count(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "");
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
