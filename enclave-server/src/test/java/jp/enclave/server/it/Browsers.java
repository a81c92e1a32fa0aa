package jp.enclave.server.it;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium for the portal tests and the benchmark's login figure: start, sign in
 * through Keycloak, screenshots.
 */
public final class Browsers {
  static final Path SHOTS = Path.of("target/screenshots");

  private Browsers() {}

  public static WebDriver open(String language) throws Exception {
    ChromeOptions o = new ChromeOptions();
    o.setBinary("/usr/bin/chromium");
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--window-size=1400,1600", "--lang=" + language,
        "--user-data-dir=" + Files.createTempDirectory("chromium-profile"));
    o.setExperimentalOption("prefs", java.util.Map.of("intl.accept_languages", language));
    // The driver path is given, so Selenium Manager never downloads anything.
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
    WebDriver d = new ChromeDriver(service, o);
    d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    return d;
  }

  public static void shot(WebDriver d, String name) throws Exception {
    Files.createDirectories(SHOTS);
    File f = ((ChromeDriver) d).getScreenshotAs(OutputType.FILE);
    Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * A wait that keeps polling while the page is replaced under it. Pages that reload themselves
   * (a running job) swap their nodes between two polls, and ChromeDriver reports some of those
   * not as a stale element but as the generic "Node with given id does not belong to the
   * document"; the timeout still names the last error as its cause.
   */
  static WebDriverWait await(WebDriver d, int seconds) {
    WebDriverWait w = new WebDriverWait(d, Duration.ofSeconds(seconds));
    w.ignoring(WebDriverException.class);
    return w;
  }

  static void type(WebDriver d, String id, String text) {
    var e = d.findElement(By.id(id));
    e.clear();
    e.sendKeys(text);
  }

  /** Opens {@code page}, signs in through Keycloak (TOTP for the steward), and comes back to the page. */
  static void signIn(WebDriver d, String page, String user, String shotPrefix) throws Exception {
    d.get(page);
    await(d, 60).until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
    type(d, "username", user);
    type(d, "password", Accounts.password(user));
    d.findElement(By.id("kc-login")).click();
    if (user.equals(Accounts.STEWARD)) {
      await(d, 60).until(ExpectedConditions.presenceOfElementLocated(By.id("otp")));
      type(d, "otp", Accounts.stewardTotp());
      d.findElement(By.id("kc-login")).click();
    }
    try {
      await(d, 60).until(ExpectedConditions.presenceOfElementLocated(By.id("signed-in-as")));
      d.get(page);
      await(d, 60).until(ExpectedConditions.presenceOfElementLocated(By.id("signed-in-as")));
    } catch (RuntimeException e) {
      shot(d, shotPrefix + "-not-signed-in");
      throw new AssertionError("not signed in after Keycloak, at " + d.getCurrentUrl() + ": " + d.getTitle(), e);
    }
  }
}
