package jp.enclave.server.it;

import static jp.enclave.server.it.Accounts.RESEARCHER_SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.extract.SealedExtract;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * PMDA re-identification in the portal, in Debian's headless Chromium (the browser test):
 * an inspector files a request for two pseudonyms of a released submission; the first officer's
 * approval leaves it waiting (nothing runs, that officer cannot approve again); a second, different
 * officer approves; the data holder's zone resolves them; the inspector alone reads source
 * references that the synthetic source's ground truth assigns to exactly one person per pseudonym.
 * The setup (holder home, released submission) goes through the CLI and the API as in ReidApiIT.
 * Screenshots: target/screenshots/reid-*.png.
 */
@ExtendWith(Services.class)
@ExtendWith(ArquillianExtension.class)
class ReidBrowserIT {
  private static final LocalDate TODAY = LocalDate.now(java.time.ZoneId.of("Asia/Tokyo"));
  private static final Path HOLDER_HOME = Holder.itDir().resolve("holder-reid-browser");
  private static final String LEGAL_BASIS = "医薬品医療機器等法 第69条 (立入検査 2026-031)";
  private final Map<String, String> truth = new HashMap<>();
  private final List<String> pseudonyms = new ArrayList<>();
  private long keys;

  static Map<String, String> serverConfig() {
    return Map.of("enclave.holder.home", HOLDER_HOME.toString());
  }

  @ArquillianResource
  URL base;

  @Deployment(testable = false)
  static WebArchive war() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("enclave.war")));
  }

  private static void holder(Path home, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-jar", Holder.jar().toString()));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--home", home.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(600, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", args) + ":\n" + out).isZero();
  }

  /** The holder's home with its ground truth, the project registered, a released submission naming three pseudonyms. */
  private String releasedSubmission() throws Exception {
    if (!Files.exists(HOLDER_HOME.resolve("extracts/p-reid-ui.manifest.json"))) {
      holder(HOLDER_HOME, "generate", "--patients", "600", "--seed", "11");
      holder(HOLDER_HOME, "pseudonymize", "--by", "holder");
      Path spec = Files.createTempFile("p-reid-ui", ".spec.json");
      Files.writeString(spec, """
          {"projectId":"p-reid-ui","title":"市販後安全性","approval":{"status":"approved","approvedBy":"review-board",
           "approvedOn":"2026-04-01"},"tables":{"patient":["*"],"diagnosis":["*"]},
           "cohort":{"diagnosisIcd10Prefixes":[]},"period":{"from":"2010-01-01","to":"2030-12-31"}}""");
      holder(HOLDER_HOME, "provision", "--spec", spec.toString());
    }
    HolderHome h = new HolderHome(HOLDER_HOME);
    List<String> lines = Files.readAllLines(h.source().resolve(SyntheticSource.TRUTH_FILE));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      truth.put(f[0] + "/" + f[1], f[2]);
    }
    try (PrivateScratch scratch = PrivateScratch.create("it")) {
      SealedExtract.Opened opened = SealedExtract.open(SealedExtract.manifestPath(h.extracts(), "p-reid-ui"), "p-reid-ui",
          h.extractVault(), scratch);
      try (Connection c = jp.enclave.pseudonymizer.db.Duck.open(opened.database());
          Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT person_id FROM patient ORDER BY 1 LIMIT 3")) {
        while (r.next()) {
          pseudonyms.add(r.getString(1));
        }
      }
    }
    assertThat(pseudonyms).hasSize(3);

    Api api = new Api(base);
    String steward = Accounts.accessToken(Accounts.STEWARD);
    assertThat(api.post("api/registry/organisations", steward, "ru-org", """
        {"id":"org-ru","name":"大阪臨床研究センター","certificationType":"type2","certificationNumber":"II-2026-019",
         "certifiedFrom":"%s","certifiedUntil":"%s"}""".formatted(TODAY.minusYears(1), TODAY.plusYears(1))).status())
        .isEqualTo(201);
    assertThat(api.post("api/registry/users", steward, "ru-user", """
        {"subject":"%s","name":"研究者","organisationId":"org-ru"}""".formatted(RESEARCHER_SUBJECT)).status())
        .isEqualTo(201);
    assertThat(api.post("api/registry/projects", steward, "ru-project", """
        {"id":"p-reid-ui","title":"市販後安全性","organisationId":"org-ru","decisionNumber":"IRB-2026-041",
         "purpose":"市販後の有害事象","dataScope":"{\\"projectId\\":\\"p-reid-ui\\",\\"tables\\":{\\"patient\\":[\\"*\\"]}}",
         "approvedFrom":"%s","approvedUntil":"%s","members":{"%s":"LEAD"}}"""
        .formatted(TODAY.minusDays(10), TODAY.plusDays(200), RESEARCHER_SUBJECT)).status()).isEqualTo(201);

    String researcher = Accounts.accessToken("researcher");
    String exportId = api.post("api/exports", researcher, "ru-" + ++keys, """
        {"projectId":"p-reid-ui","title":"PMDA 安全性報告の症例"}""").body().path("id").asText();
    String text = "Cases of the adverse event in the PMDA safety report: " + String.join(", ", pseudonyms);
    assertThat(api.post("api/exports/" + exportId + "/items", researcher, "ru-" + ++keys, """
        {"id":"cases","type":"text","name":"cases.txt","content":%s}""".formatted(Api.JSON.writeValueAsString(text)))
        .status()).isEqualTo(201);
    assertThat(api.post("api/exports/" + exportId + "/submit", researcher, "ru-" + ++keys, "{}").status()).isEqualTo(200);
    long until = System.nanoTime() + 300_000_000_000L;
    JsonNode v = null;
    while (System.nanoTime() < until) {
      v = api.get("api/exports/" + exportId, researcher).body();
      if (v.path("state").asText().equals("checked")) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(v.path("state").asText()).as(v.toString()).isEqualTo("checked");
    assertThat(api.post("api/exports/" + exportId + "/votes", Accounts.accessToken("reviewer"), "ru-" + ++keys, """
        {"approve":true,"comment":"the PMDA report names its cases by pseudonym"}""").status()).isEqualTo(201);
    if (v.path("requiredApprovals").asInt() == 2) {
      assertThat(api.post("api/exports/" + exportId + "/votes", Accounts.accessToken("reviewer-2"), "ru-" + ++keys, """
          {"approve":true,"comment":"required by the PMDA"}""").status()).isEqualTo(201);
    }
    assertThat(api.get("api/exports/" + exportId, researcher).body().path("state").asText()).isEqualTo("released");
    return exportId;
  }

  private static String state(WebDriver d) {
    return d.findElement(By.id("state")).getText();
  }

  @Test
  void anInspectorsRequestNeedsTwoDifferentOfficersAndReturnsTheGroundTruthsSources() throws Exception {
    String exportId = releasedSubmission();
    String page = Api.local(base) + "portal/reidentification.xhtml";
    String requestUrl;

    // The list the form offers, from the API: the released submission with its project, title and release date;
    // anyone but an inspector is refused (403, audited as access.denied).
    Api api = new Api(base);
    JsonNode list = api.get("api/reidentifications/submissions", Accounts.accessToken("inspector")).body();
    JsonNode mine = null;
    for (JsonNode n : list) {
      if (n.path("exportId").asText().equals(exportId)) {
        mine = n;
      }
    }
    assertThat(mine).as(list.toString()).isNotNull();
    assertThat(mine.path("projectId").asText()).isEqualTo("p-reid-ui");
    assertThat(mine.path("projectTitle").asText()).isEqualTo("市販後安全性");
    assertThat(mine.path("title").asText()).isEqualTo("PMDA 安全性報告の症例");
    assertThat(mine.path("releasedAt").asText()).isNotBlank();
    assertThat(api.get("api/reidentifications/submissions", Accounts.accessToken("researcher")).status()).isEqualTo(403);

    WebDriver inspector = Browsers.open("ja");
    try {
      Browsers.signIn(inspector, page, "inspector", "reid-01");
      // The form's fields are labelled (a screen reader names each one).
      for (String field : List.of("file:export", "file:pseudonyms", "file:legal-basis")) {
        assertThat(inspector.findElements(By.cssSelector("label[for='" + field + "']"))).as(field).hasSize(1);
      }
      // The inspector picks the submission from the list (project, title, release date), not by typing its ID.
      Select submissions = new Select(inspector.findElement(By.id("file:export")));
      WebElement option = submissions.getOptions().stream().filter(o -> o.getAttribute("value").equals(exportId))
          .findFirst().orElseThrow(() -> new AssertionError("the released submission is not in the list"));
      assertThat(option.getText()).contains("市販後安全性", "p-reid-ui", "PMDA 安全性報告の症例", TODAY.getYear() + "年", exportId);
      Browsers.shot(inspector, "reid-01b-choose-submission");
      submissions.selectByValue(exportId);
      Browsers.type(inspector, "file:pseudonyms", pseudonyms.get(0) + "\n" + pseudonyms.get(1));
      Browsers.type(inspector, "file:legal-basis", LEGAL_BASIS);
      inspector.findElement(By.id("file:file")).click();
      Browsers.await(inspector, 60).until(ExpectedConditions.presenceOfElementLocated(By.id("state")));
      assertThat(state(inspector)).isEqualTo("申請済み");
      assertThat(inspector.findElement(By.id("legal-basis")).getText()).isEqualTo(LEGAL_BASIS);
      assertThat(inspector.findElements(By.id("result:show"))).as("no result before two approvals").isEmpty();
      requestUrl = inspector.getCurrentUrl();
      assertThat(requestUrl).contains("id=");
      Browsers.shot(inspector, "reid-02-filed");
    } finally {
      inspector.quit();
    }

    WebDriver officer = Browsers.open("en");
    try {
      Browsers.signIn(officer, page, "reid-officer-1", "reid-03");
      assertThat(officer.findElement(By.id("pending")).getText()).contains(exportId, LEGAL_BASIS);
      officer.findElement(By.linkText(requestUrl.substring(requestUrl.indexOf("id=") + 3))).click();
      Browsers.await(officer, 60).until(ExpectedConditions.presenceOfElementLocated(By.id("decide:approve")));
      officer.findElement(By.id("decide:approve")).click();
      Browsers.await(officer, 60).until(ExpectedConditions.textToBePresentInElementLocated(By.id("state"), "One approval"));
      assertThat(officer.findElement(By.id("second-needed")).getText()).contains("second, different officer");
      assertThat(officer.findElements(By.id("decide:approve"))).as("the same officer cannot approve twice").isEmpty();
      Browsers.shot(officer, "reid-04-one-approval");
    } finally {
      officer.quit();
    }
    Thread.sleep(3000);
    assertThat(count("select count(*) from reid_job")).as("nothing runs on one approval").isZero();

    officer = Browsers.open("en");
    try {
      Browsers.signIn(officer, requestUrl, "reid-officer-2", "reid-05");
      officer.findElement(By.id("decide:approve")).click();
      Browsers.await(officer, 60).until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"), "approved"));
      assertThat(state(officer)).isIn("Approved", "Running", "Completed");
      Browsers.shot(officer, "reid-06-approved");
    } finally {
      officer.quit();
    }

    inspector = Browsers.open("ja");
    try {
      Browsers.signIn(inspector, requestUrl, "inspector", "reid-07");
      long until = System.nanoTime() + 300_000_000_000L;
      while (!state(inspector).equals("完了")) {
        assertThat(state(inspector)).isNotEqualTo("失敗");
        assertThat(System.nanoTime()).as("completed in time").isLessThan(until);
        Thread.sleep(1000);
        inspector.get(requestUrl);
      }
      inspector.findElement(By.id("result:show")).click();
      Browsers.await(inspector, 60).until(ExpectedConditions.presenceOfElementLocated(By.id("sources")));
      Browsers.shot(inspector, "reid-08-sources");
      Map<String, Set<String>> persons = new HashMap<>();
      for (WebElement row : inspector.findElements(By.cssSelector("#sources tbody tr"))) {
        List<WebElement> cells = row.findElements(By.tagName("td"));
        String pseudonym = cells.get(0).getText();
        String person = truth.get(cells.get(1).getText() + "/" + cells.get(2).getText());
        persons.computeIfAbsent(pseudonym, k -> new HashSet<>()).add(person);
        assertThat(cells.get(4).getText()).as("a source record key").isNotBlank();
      }
      assertThat(persons.keySet()).containsExactlyInAnyOrder(pseudonyms.get(0), pseudonyms.get(1));
      persons.forEach((q, who) -> assertThat(who).as("sources of " + q + " are one person of the ground truth")
          .hasSize(1).doesNotContainNull());
      assertThat(inspector.getPageSource()).doesNotContain(pseudonyms.get(2));
    } finally {
      inspector.quit();
    }
    assertThat(count("select count(*) from audit_event where event = 'reid.result-read'")).isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'reid.approved-once'")).isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'reid.approved'")).isEqualTo(1);
  }

  private static long count(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "");
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
