package jp.enclave.server.it;

import static jp.enclave.server.it.Accounts.RESEARCHER_SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import jp.enclave.gateway.token.TokenVerifier;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The portal in Debian's headless Chromium: the steward signs in through Keycloak with a TOTP code
 * computed from the seeded secret and registers an organisation, a researcher, their training and a
 * project; the researcher books and opens a session and reads the gateway token and JDBC URL; the
 * public page lists the project with both calendars; the auditor verifies the chain. Screenshots of
 * each page go to target/screenshots.
 */
@ExtendWith(Services.class)
@ExtendWith(ArquillianExtension.class)
class PortalBrowserIT {
  private static final Path SHOTS = Path.of("target/screenshots");
  private static final LocalDate TODAY = LocalDate.now(ZoneId.of("Asia/Tokyo"));

  @ArquillianResource
  URL base;

  @Deployment(testable = false)
  static WebArchive war() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("enclave.war")));
  }

  static WebDriver browser(String language) throws Exception {
    return Browsers.open(language);
  }

  static void shot(WebDriver d, String name) throws Exception {
    Browsers.shot(d, name);
  }

  static WebDriverWait await(WebDriver d) {
    return new WebDriverWait(d, Duration.ofSeconds(60));
  }

  static void type(WebDriver d, String id, String text) {
    var e = d.findElement(By.id(id));
    e.clear();
    e.sendKeys(text);
  }

  /** Opens {@code page}, signs in through Keycloak, and comes back to the page. */
  static void signIn(WebDriver d, String page, String user, String shotPrefix) throws Exception {
    d.get(page);
    try {
      await(d).until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
    } catch (RuntimeException e) {
      shot(d, shotPrefix + "-no-login-page");
      throw new AssertionError("no Keycloak login page at " + d.getCurrentUrl() + ": " + d.getTitle(), e);
    }
    type(d, "username", user);
    type(d, "password", Accounts.password(user));
    shot(d, shotPrefix + "-keycloak-login");
    d.findElement(By.id("kc-login")).click();
    if (user.equals(Accounts.STEWARD)) {
      await(d).until(ExpectedConditions.presenceOfElementLocated(By.id("otp")));
      type(d, "otp", Accounts.stewardTotp());
      shot(d, shotPrefix + "-keycloak-totp");
      d.findElement(By.id("kc-login")).click();
    }
    try {
      await(d).until(ExpectedConditions.presenceOfElementLocated(By.id("signed-in-as")));
      d.get(page);
      await(d).until(ExpectedConditions.presenceOfElementLocated(By.id("signed-in-as")));
    } catch (RuntimeException e) {
      shot(d, shotPrefix + "-not-signed-in");
      Files.writeString(SHOTS.resolve(shotPrefix + "-not-signed-in.html"), d.getPageSource());
      throw new AssertionError("not signed in after Keycloak, at " + d.getCurrentUrl() + ": " + d.getTitle(), e);
    }
  }

  static void submit(WebDriver d, String buttonId, String expectedMessage) {
    d.findElement(By.id(buttonId)).click();
    await(d).until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"), expectedMessage));
  }

  @Test
  void stewardRegistersResearcherOpensSessionAuditorVerifies() throws Exception {
    String base = Api.local(this.base);
    String from = TODAY.minusDays(30).toString();
    String until = TODAY.plusYears(1).toString();

    WebDriver steward = browser("ja");
    try {
      signIn(steward, base + "portal/registry.xhtml", Accounts.STEWARD, "01-steward");
      assertThat(steward.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("ja");
      shot(steward, "02-registry-empty");

      type(steward, "org:id", "org-tmu");
      type(steward, "org:name", "東京医療大学");
      new Select(steward.findElement(By.id("org:type"))).selectByValue("type2");
      type(steward, "org:number", "第二種-2026-001");
      type(steward, "org:from", from);
      type(steward, "org:until", until);
      submit(steward, "org:register", "org-tmu");

      type(steward, "user:subject", RESEARCHER_SUBJECT);
      type(steward, "user:name", "仮名 研究者");
      submit(steward, "user:register", "仮名 研究者");

      type(steward, "training:course", "仮名加工医療情報の取扱い 2026");
      type(steward, "training:completed", from);
      type(steward, "training:expires", until);
      submit(steward, "training:record", "仮名 研究者");

      type(steward, "project:id", "p-diabetes");
      type(steward, "project:title", "2型糖尿病の治療成績");
      type(steward, "project:decision", "IRB-2026-014");
      type(steward, "project:purpose", "治療法別の長期成績の比較");
      type(steward, "project:scope", "{\"projectId\":\"p-diabetes\",\"tables\":{\"patient\":[\"*\"],\"diagnosis\":[\"*\"]}}");
      type(steward, "project:from", from);
      type(steward, "project:until", until);
      new Select(steward.findElement(By.id("project:member"))).selectByValue(RESEARCHER_SUBJECT);
      submit(steward, "project:register", "p-diabetes");
      assertThat(steward.findElement(By.id("projects")).getText()).contains("2型糖尿病の治療成績", "令和");
      shot(steward, "03-registry-filled");

      // A refusal shows its reason in the page's language, and nothing is registered twice.
      submit(steward, "project:register", "project-exists");
      shot(steward, "04-registry-refusal");
    } finally {
      steward.quit();
    }

    WebDriver researcher = browser("ja");
    try {
      signIn(researcher, base + "portal/sessions.xhtml", Accounts.RESEARCHER, "05-researcher");
      researcher.findElement(By.id("book:projects:0:book")).click();
      await(researcher).until(ExpectedConditions.presenceOfElementLocated(By.id("mine:sessions:0:open")));
      shot(researcher, "06-session-booked");
      researcher.findElement(By.id("mine:sessions:0:open")).click();
      await(researcher).until(ExpectedConditions.presenceOfElementLocated(By.id("jdbc")));
      String jdbc = researcher.findElement(By.id("jdbc")).getAttribute("value");
      String token = researcher.findElement(By.id("token")).getAttribute("value").trim();
      assertThat(jdbc).startsWith("jdbc:arrow-flight-sql://127.0.0.1:47470/").contains("token=");
      shot(researcher, "07-session-open");
      String jwks = new Api(this.base).get("api/keys/jwks.json", null).raw().body();
      assertThat(new TokenVerifier(jwks, "p-diabetes", Clock.systemUTC()).verify(token).userId())
          .isEqualTo(RESEARCHER_SUBJECT);

      researcher.findElement(By.id("lang:en")).click();
      await(researcher).until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "My sessions"));
      assertThat(researcher.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
      shot(researcher, "08-sessions-english");

      researcher.get(base + "index.xhtml");
      assertThat(researcher.findElement(By.id("approved")).getText())
          .contains("2型糖尿病の治療成績", "東京医療大学", "(Reiwa ");
      shot(researcher, "09-public-projects");
    } finally {
      researcher.quit();
    }

    WebDriver auditor = browser("en");
    try {
      signIn(auditor, base + "portal/audit.xhtml", Accounts.AUDITOR, "10-auditor");
      assertThat(auditor.findElement(By.id("audit:entries")).getText())
          .contains("organisation.registered", "project.registered", "session.opened");
      auditor.findElement(By.id("audit:verify")).click();
      await(auditor).until(ExpectedConditions.presenceOfElementLocated(By.id("verification")));
      assertThat(auditor.findElement(By.id("verification")).getText()).contains("The chain is intact");
      shot(auditor, "11-audit-verified");
    } finally {
      auditor.quit();
    }
  }
}
