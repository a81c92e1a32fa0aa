package jp.enclave.server.it;

import static jp.enclave.server.it.Accounts.RESEARCHER_SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The export airlock in Debian's headless Chromium (the browser test): a researcher builds
 * and submits a request whose table has an unsafe cell; the output checker runs in the background;
 * two reviewers see the cell highlighted in the checker's report (the first in English, the second
 * in Japanese: the report comes in the portal's language), each approves the suggested safe
 * version; the researcher downloads the release and its SHA-256 matches the one the page shows.
 * Screenshots: target/screenshots/air-*.png.
 */
@ExtendWith(Services.class)
@ExtendWith(ArquillianExtension.class)
class AirlockBrowserIT {
  private static final Path SHOTS = Path.of("target/screenshots");
  private static final LocalDate TODAY = LocalDate.now(ZoneId.of("Asia/Tokyo"));

  @ArquillianResource
  URL base;

  @Deployment(testable = false)
  static WebArchive war() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("enclave.war")));
  }

  private static WebDriver browser(String language, Path downloads) throws Exception {
    ChromeOptions o = new ChromeOptions();
    o.setBinary("/usr/bin/chromium");
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--window-size=1280,1800", "--lang=" + language,
        "--user-data-dir=" + Files.createTempDirectory("chromium-profile"));
    o.setExperimentalOption("prefs", Map.of("intl.accept_languages", language,
        "download.default_directory", downloads.toAbsolutePath().toString(), "download.prompt_for_download", false));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
    WebDriver d = new ChromeDriver(service, o);
    d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    return d;
  }

  private static void shot(WebDriver d, String name) throws Exception {
    Files.createDirectories(SHOTS);
    File f = ((ChromeDriver) d).getScreenshotAs(OutputType.FILE);
    Files.copy(f.toPath(), SHOTS.resolve("air-" + name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  private static WebDriverWait await(WebDriver d) {
    return Browsers.await(d, 60);
  }

  private static void type(WebDriver d, String id, String text) {
    WebElement e = d.findElement(By.id(id));
    e.clear();
    e.sendKeys(text);
  }

  private static void signIn(WebDriver d, String page, String user, String shot) throws Exception {
    d.get(page);
    await(d).until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
    type(d, "username", user);
    type(d, "password", Accounts.password(user));
    d.findElement(By.id("kc-login")).click();
    await(d).until(ExpectedConditions.presenceOfElementLocated(By.id("signed-in-as")));
    d.get(page);
    await(d).until(ExpectedConditions.presenceOfElementLocated(By.id("signed-in-as")));
    shot(d, shot);
  }

  private void register() throws Exception {
    Api api = new Api(base);
    String steward = Accounts.accessToken(Accounts.STEWARD);
    assertThat(api.post("api/registry/organisations", steward, "b-org", """
        {"id":"org-b","name":"東京医療大学","certificationType":"type2","certificationNumber":"II-2026-003",
         "certifiedFrom":"%s","certifiedUntil":"%s"}""".formatted(TODAY.minusYears(1), TODAY.plusYears(1))).status())
        .isEqualTo(201);
    assertThat(api.post("api/registry/users", steward, "b-user", """
        {"subject":"%s","name":"仮名 研究者","organisationId":"org-b"}""".formatted(RESEARCHER_SUBJECT)).status())
        .isEqualTo(201);
    assertThat(api.post("api/registry/projects", steward, "b-project", """
        {"id":"p-browser","title":"2型糖尿病の治療成績","organisationId":"org-b","decisionNumber":"IRB-2026-030",
         "purpose":"治療法別の長期成績","dataScope":"{\\"projectId\\":\\"p-browser\\",\\"tables\\":{\\"patient\\":[\\"*\\"]}}",
         "approvedFrom":"%s","approvedUntil":"%s","members":{"%s":"LEAD"}}"""
        .formatted(TODAY.minusDays(10), TODAY.plusDays(200), RESEARCHER_SUBJECT)).status()).isEqualTo(201);
  }

  @Test
  void researcherSubmitsReviewersApproveTheSafeVersionResearcherDownloads() throws Exception {
    register();
    String base = Api.local(this.base);
    Path downloads = Files.createTempDirectory("air-downloads");
    String requestUrl;

    WebDriver researcher = browser("ja", downloads);
    try {
      signIn(researcher, base + "portal/exports.xhtml", Accounts.RESEARCHER, "01-researcher");
      new Select(researcher.findElement(By.id("create:project"))).selectByValue("p-browser");
      type(researcher, "create:title", "性別の糖尿病患者数");
      researcher.findElement(By.id("create:create")).click();
      await(researcher).until(ExpectedConditions.presenceOfElementLocated(By.id("add:item-id")));
      requestUrl = researcher.getCurrentUrl();
      type(researcher, "add:item-id", "t1");
      new Select(researcher.findElement(By.id("add:item-type"))).selectByValue("table");
      type(researcher, "add:item-name", "by_sex.csv");
      type(researcher, "add:item-text", "sex,persons\nF,120\nM,3\nTotal,123\n");
      type(researcher, "add:queries", "q-17");
      researcher.findElement(By.id("add:add-item")).click();
      await(researcher).until(ExpectedConditions.textToBePresentInElementLocated(By.id("items"), "by_sex.csv"));
      shot(researcher, "02-draft");
      researcher.findElement(By.id("items:submit")).click();
      long until = System.nanoTime() + 180_000_000_000L;
      while (!researcher.findElement(By.id("state")).getText().equals("チェック済み")) {
        assertThat(System.nanoTime()).as("checked in time").isLessThan(until);
        Thread.sleep(1000);
        researcher.get(requestUrl);
      }
      assertThat(researcher.findElement(By.id("items")).getText()).contains("不合格");
      shot(researcher, "03-checked");
    } finally {
      researcher.quit();
    }

    // The API gives the same report in either language (English for a caller who does not ask).
    String exportId = requestUrl.substring(requestUrl.indexOf("id=") + 3);
    String reviewerToken = Accounts.accessToken("reviewer");
    Api api = new Api(this.base);
    Api.Reply jaReport = api.get("api/exports/" + exportId + "/report?lang=ja", reviewerToken);
    assertThat(jaReport.raw().body()).contains("<html lang=\"ja\">", "提出された表");
    assertThat(jaReport.raw().headers().firstValue("Content-Language")).contains("ja");
    assertThat(api.get("api/exports/" + exportId + "/report", reviewerToken).raw().body())
        .contains("<html lang=\"en\">", "Table as submitted");
    String reviewUrl = requestUrl.replace("portal/exports.xhtml", "portal/review.xhtml");
    String[] reviewers = {"reviewer", "reviewer-2"};
    String[] languages = {"en", "ja"};
    for (int i = 0; i < reviewers.length; i++) {
      boolean ja = languages[i].equals("ja");
      WebDriver reviewer = browser(languages[i], downloads);
      try {
        signIn(reviewer, reviewUrl, reviewers[i], "0" + (4 + 2 * i) + "-" + reviewers[i]);
        assertThat(reviewer.findElement(By.id("item-list")).getText())
            .contains(ja ? List.of("不合格", "チェッカーが提案") : List.of("Fail", "Suggested by the checker"));
        reviewer.switchTo().frame("report");
        assertThat(reviewer.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo(languages[i]);
        assertThat(reviewer.findElement(By.tagName("body")).getText())
            .contains(ja ? List.of("提出された表", "閾値", "提案された安全版") : List.of("Table as submitted", "Suggested safe version"));
        WebElement flagged = reviewer.findElement(By.cssSelector("td.fail"));
        assertThat(flagged.getText()).isEqualTo("3");
        assertThat(flagged.getAttribute("title")).contains(ja ? "閾値" : "threshold");
        assertThat(flagged.getCssValue("background-color")).isNotIn("rgba(0, 0, 0, 0)", "transparent");
        reviewer.switchTo().defaultContent();
        if (i == 1) {
          assertThat(reviewer.findElement(By.id("votes")).getText()).as("the first vote is hidden").isEmpty();
        }
        reviewer.findElement(By.cssSelector("input[name='vote:decision'][value='approve']")).click();
        reviewer.findElement(By.cssSelector("input[name='vote:safe'][value='t1']")).click();
        type(reviewer, "vote:comment", "M rests on 3 persons; the suggested suppression protects it");
        reviewer.findElement(By.id("vote:cast")).click();
        await(reviewer).until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"),
            ja ? "投票を記録しました" : "Your vote is recorded"));
        shot(reviewer, "0" + (5 + 2 * i) + "-" + reviewers[i] + "-voted");
      } finally {
        reviewer.quit();
      }
    }

    researcher = browser("ja", downloads);
    try {
      signIn(researcher, requestUrl, Accounts.RESEARCHER, "08-researcher-released");
      assertThat(researcher.findElement(By.id("state")).getText()).isEqualTo("リリース済み");
      String shown = researcher.findElement(By.id("package-sha256")).getText().trim();
      assertThat(researcher.findElement(By.id("release-files")).getText()).contains("t1/by_sex_safe.csv");
      shot(researcher, "09-release");
      researcher.findElement(By.id("dl:download")).click();
      Path zip = null;
      long until = System.nanoTime() + 60_000_000_000L;
      while (zip == null && System.nanoTime() < until) {
        Thread.sleep(500);
        try (Stream<Path> files = Files.list(downloads)) {
          zip = files.filter(p -> p.getFileName().toString().endsWith(".zip")).findFirst().orElse(null);
        }
      }
      assertThat(zip).as("the release was downloaded").isNotNull();
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(zip)));
      assertThat(sha).isEqualTo(shown);
    } finally {
      researcher.quit();
    }
  }
}
