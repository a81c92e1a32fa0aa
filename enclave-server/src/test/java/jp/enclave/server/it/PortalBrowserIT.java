package jp.enclave.server.it;

import static jp.enclave.server.it.Accounts.RESEARCHER_SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jp.enclave.gateway.token.TokenVerifier;
import jp.enclave.sealed.extract.SealedExtract;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The portal in Debian's headless Chromium, end to end with the project's managed gateway: the
 * steward signs in through Keycloak with a TOTP code computed from the seeded secret, registers an
 * organisation, a researcher, their training and a project, and provisions it (the real
 * pseudonymizer CLI over {@link Holder}'s small synthetic source exports the extract to the gateway
 * zone); the researcher books and opens a session, which starts the project's gateway, and runs
 * queries with the JDBC URL (Arrow Flight SQL) and the PostgreSQL connection (psql) the portal
 * shows; the steward revokes the session in the portal with a reason and the researcher's next
 * query is refused with GW-SESSION-ENDED; the public page lists the project with both calendars;
 * the auditor finds the trail and verifies the chain. Screenshots of each page go to
 * target/screenshots.
 */
@ExtendWith(Services.class)
@ExtendWith(ArquillianExtension.class)
class PortalBrowserIT {
  private static final Path SHOTS = Path.of("target/screenshots");
  private static final LocalDate TODAY = LocalDate.now(ZoneId.of("Asia/Tokyo"));
  private static final String PROJECT = "p-diabetes";
  /** From the steward's click in the portal to the researcher's first refused query. */
  private static final Duration REVOCATION_BOUND = Duration.ofSeconds(10);
  private static final String REASON = "研究計画外の利用の疑い (suspected use outside the plan)";

  @ArquillianResource
  URL base;

  @Deployment(testable = false)
  static WebArchive war() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("enclave.war")));
  }

  /**
   * Read by {@link Services}: this class's Payara manages the project's gateway from the real CLI
   * jar, in the gateway zone home {@link Holder} exports extracts to.
   */
  static Map<String, String> serverConfig() {
    return Map.of("enclave.gateways.jar", System.getProperty("enclave.gateway.jar"),
        "enclave.gateways.stop-grace-seconds", "3",
        "enclave.gateways.java-options", "-Xmx512m",
        "enclave.gateways.options", "--memory-limit 512MB --max-workers 1 --timeout-seconds 120");
  }

  static WebDriver browser(String language) throws Exception {
    return Browsers.open(language);
  }

  static void shot(WebDriver d, String name) throws Exception {
    Browsers.shot(d, name);
  }

  static WebDriverWait await(WebDriver d) {
    return Browsers.await(d, 60);
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
  void stewardProvisionsResearcherQueriesTheGatewayStewardRevokesAuditorVerifies() throws Exception {
    String base = Api.deployed(this.base);
    String from = TODAY.minusDays(30).toString();
    String until = TODAY.plusYears(1).toString();
    Holder.ready();
    Holder.forget(PROJECT); // an extract from an earlier build would be answered as already provisioned

    WebDriver steward = browser("ja");
    WebDriver researcher = null;
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

      type(steward, "project:id", PROJECT);
      type(steward, "project:title", "2型糖尿病の治療成績");
      type(steward, "project:decision", "IRB-2026-014");
      type(steward, "project:purpose", "治療法別の長期成績の比較");
      // A small extract keeps the build short: the E11 cohort of Holder's synthetic source.
      type(steward, "project:scope", "{\"projectId\":\"p-diabetes\",\"tables\":{\"patient\":[\"*\"],"
          + "\"diagnosis\":[\"*\"]},\"cohort\":{\"diagnosisIcd10Prefixes\":[\"E11\"]}}");
      type(steward, "project:from", from);
      type(steward, "project:until", until);
      new Select(steward.findElement(By.id("project:member"))).selectByValue(RESEARCHER_SUBJECT);
      submit(steward, "project:register", PROJECT);
      assertThat(steward.findElement(By.id("projects")).getText()).contains("2型糖尿病の治療成績", "令和");
      shot(steward, "03-registry-filled");

      // A refusal shows its reason in the page's language, and nothing is registered twice.
      submit(steward, "project:register", "project-exists");
      shot(steward, "04-registry-refusal");

      provision(steward, base);

      researcher = browser("ja");
      signIn(researcher, base + "portal/sessions.xhtml", Accounts.RESEARCHER, "05-researcher");
      researcher.findElement(By.id("book:projects:0:book")).click();
      await(researcher).until(ExpectedConditions.presenceOfElementLocated(By.id("mine:sessions:0:open")));
      shot(researcher, "06-session-booked");
      // The first session of the project starts its gateway: the answer waits until it accepts connections.
      long t0 = System.nanoTime();
      researcher.findElement(By.id("mine:sessions:0:open")).click();
      Browsers.await(researcher, 300).until(ExpectedConditions.presenceOfElementLocated(By.id("jdbc")));
      String jdbc = researcher.findElement(By.id("jdbc")).getAttribute("value").trim();
      String token = researcher.findElement(By.id("token")).getAttribute("value").trim();
      String gateway = researcher.findElement(By.id("gateway")).getText().trim();
      assertThat(jdbc).startsWith("jdbc:arrow-flight-sql://" + gateway + "/").contains("token=");
      assertThat(gateway).startsWith("127.0.0.1:").isNotEqualTo("127.0.0.1:47470");
      shot(researcher, "07-session-open");
      String jwks = Api.ofDeployment(this.base).get("api/keys/jwks.json", null).raw().body();
      assertThat(new TokenVerifier(jwks, PROJECT, Clock.systemUTC()).verify(token).userId())
          .isEqualTo(RESEARCHER_SUBJECT);

      // The researcher's queries, with exactly what the page shows.
      long patients = SealedExtract.readManifest(SealedExtract.manifestPath(Holder.gateway().resolve("extracts"), PROJECT))
          .manifest().table("patient").orElseThrow().rowCount();
      assertThat(patients).isPositive().isLessThan(Holder.PATIENTS);
      assertThat(count(jdbc)).isEqualTo(patients);
      System.out.printf("portal: session open to first query answered (gateway start included): %.1f s%n",
          (System.nanoTime() - t0) / 1e9);
      String pg = researcher.findElement(By.id("pg-conn")).getAttribute("value").trim() + " password="
          + researcher.findElement(By.id("pg-password")).getAttribute("value").trim();
      assertThat(pg).contains("dbname=" + PROJECT);
      awaitTrue(() -> psql(pg).equals(String.valueOf(patients)), Duration.ofSeconds(15));

      revoke(steward, base);
      long t1 = System.nanoTime();
      Throwable refused = null;
      while (refused == null) {
        try {
          count(jdbc);
        } catch (SQLException e) {
          refused = e;
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(REVOCATION_BOUND.plusSeconds(10));
      }
      Duration took = Duration.ofNanos(System.nanoTime() - t1);
      System.out.printf("portal: revocation to first refused query: %d ms%n", took.toMillis());
      assertThat(took).isLessThan(REVOCATION_BOUND);
      // The Flight driver may report the refusal on the statement's close ("While closing
      // statement") when the revocation lands between execute and close: read the whole chain.
      assertThat(messages(refused)).contains("GW-SESSION-ENDED");
      awaitTrue(() -> !psql(pg).equals(String.valueOf(patients)), Duration.ofSeconds(10));

      researcher.get(base + "portal/sessions.xhtml");
      String mine = researcher.findElement(By.id("mine:sessions")).getText();
      assertThat(mine).contains(PROJECT, REASON);
      assertThat(researcher.findElements(By.id("mine:sessions:0:renew"))).isEmpty();
      shot(researcher, "10-session-revoked");

      researcher.findElement(By.id("lang:en")).click();
      await(researcher).until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "My sessions"));
      assertThat(researcher.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
      shot(researcher, "11-sessions-english");

      researcher.get(base + "index.xhtml");
      assertThat(researcher.findElement(By.id("approved")).getText())
          .contains("2型糖尿病の治療成績", "東京医療大学", "(Reiwa ");
      shot(researcher, "12-public-projects");
    } finally {
      steward.quit();
      if (researcher != null) {
        researcher.quit();
      }
    }

    WebDriver auditor = browser("en");
    try {
      signIn(auditor, base + "portal/audit.xhtml", Accounts.AUDITOR, "13-auditor");
      assertThat(auditor.findElement(By.id("audit:entries")).getText())
          .contains("organisation.registered", "project.registered", "provisioning.succeeded", "session.opened",
              "session.revoked", "gateway.started");
      auditor.findElement(By.id("audit:verify")).click();
      await(auditor).until(ExpectedConditions.presenceOfElementLocated(By.id("verification")));
      assertThat(auditor.findElement(By.id("verification")).getText()).contains("The chain is intact");
      shot(auditor, "14-audit-verified");
    } finally {
      auditor.quit();
    }
  }

  /** The steward provisions the project on the provisioning page and watches the job succeed. */
  private static void provision(WebDriver steward, String base) throws Exception {
    steward.get(base + "portal/provisioning.xhtml");
    await(steward).until(ExpectedConditions.presenceOfElementLocated(By.id("prov:projects")));
    steward.findElement(By.xpath("//tr[td[normalize-space()='" + PROJECT + "']]//input[@type='submit']")).click();
    await(steward).until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"), PROJECT));
    shot(steward, "04a-provisioning-requested");
    // The page reloads itself while the job runs, until the job shows its outcome.
    By job = By.xpath("//table[@id='jobs']//tr[td[normalize-space()='" + PROJECT + "']]");
    long t0 = System.nanoTime();
    Browsers.await(steward, 300).ignoring(StaleElementReferenceException.class).until(d -> d.findElements(job).stream()
        .anyMatch(e -> e.getText().contains("作成済み") || e.getText().contains("失敗")));
    System.out.printf("portal: provisioning %s finished in %.1f s%n", PROJECT, (System.nanoTime() - t0) / 1e9);
    shot(steward, "04b-provisioned");
    // The page has stopped reloading itself once no job is active.
    String row = Browsers.await(steward, 30).ignoring(StaleElementReferenceException.class)
        .until(d -> d.findElement(job).getText());
    assertThat(row).contains("作成済み", "100 %", "patient", "diagnosis");
    assertThat(Holder.gateway().resolve("extracts/" + PROJECT + ".duckdb.sealed")).exists();
  }

  /** The steward revokes the researcher's open session on the registry page, with a reason. */
  private static void revoke(WebDriver steward, String base) throws Exception {
    steward.get(base + "portal/registry.xhtml");
    await(steward).until(ExpectedConditions.presenceOfElementLocated(By.id("revoke:sessions")));
    By row = By.xpath("//table[@id='revoke:sessions']//tr[td[normalize-space()='" + PROJECT + "']]");
    assertThat(steward.findElement(row).getText()).contains(RESEARCHER_SUBJECT, "利用中");
    // Without a reason the revocation is refused and the session stays open.
    steward.findElement(By.id("revoke:sessions:0:revoke")).click();
    await(steward).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#messages .error")));
    assertThat(steward.findElement(By.id("messages")).getText()).contains("理由");
    assertThat(steward.findElement(row).getText()).contains("利用中");
    shotOf(steward, "revoke", "08-revoke-without-reason");
    type(steward, "revoke:reason", REASON);
    shotOf(steward, "revoke", "08a-revoke-reason");
    submit(steward, "revoke:sessions:0:revoke", "失効させました");
    assertThat(steward.findElement(row).getText()).contains(REASON);
    shotOf(steward, "revoke", "09-revoked");
  }

  /** A screenshot with the element in view (the registry's session list is below the forms). */
  private static void shotOf(WebDriver d, String id, String name) throws Exception {
    ((JavascriptExecutor) d).executeScript("arguments[0].scrollIntoView(true)", d.findElement(By.id(id)));
    shot(d, name);
  }

  private static long count(String jdbc) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbc); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM patient")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Debian's psql with the connection string the portal shows: the count, or psql's error. */
  private static String psql(String connection) throws Exception {
    Process p = new ProcessBuilder(List.of("psql", connection, "-X", "-A", "-t", "-c", "SELECT count(*) FROM patient"))
        .redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "psql did not finish";
    }
    return out;
  }

  private static String messages(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c.getMessage()).append(" | ");
    }
    return all.toString();
  }

  interface Check {
    boolean ok() throws Exception;
  }

  private static void awaitTrue(Check check, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout.toSeconds() + " s");
      }
      Thread.sleep(200);
    }
  }
}
