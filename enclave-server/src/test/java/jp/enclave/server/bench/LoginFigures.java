package jp.enclave.server.bench;

import java.time.Duration;
import java.util.Arrays;
import jp.enclave.server.it.Accounts;
import jp.enclave.server.it.Browsers;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Login to the portal as a person meets it, in Debian's headless Chromium: from opening a portal
 * page, through Keycloak's login form (password, then the TOTP code for the steward), to the portal
 * page rendered with the signed-in name. Each run is a fresh browser profile (a first visit: no
 * session cookies, nothing cached); the browser's start is not timed. Keycloak accepts each TOTP
 * code once, so a TOTP run waits for the next 30 s step before its clock starts.
 */
final class LoginFigures {
  private final String base;

  LoginFigures(String base) {
    this.base = base;
  }

  void run(String user, int rounds) throws Exception {
    long[] took = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      WebDriver d = Browsers.open("ja");
      try {
        // Fetched before the clock starts: it may wait for the next step (a code is used once).
        String totp = user.equals(Accounts.STEWARD) ? Accounts.stewardTotp() : null;
        took[i] = login(d, user, totp);
      } finally {
        d.quit();
      }
    }
    long[] s = took.clone();
    Arrays.sort(s);
    System.out.printf("login to portal in Chromium (%s: password%s), page to signed-in page: median %.0f ms, p95 %.0f ms,"
            + " max %.0f ms of %d%n", user, user.equals(Accounts.STEWARD) ? " + TOTP" : ", demo account without TOTP",
        s[s.length / 2] / 1e6, s[Math.min(s.length - 1, (int) Math.ceil(s.length * 0.95) - 1)] / 1e6,
        s[s.length - 1] / 1e6, s.length);
  }

  private long login(WebDriver d, String user, String totp) {
    WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(60));
    long t0 = System.nanoTime();
    d.get(base + "portal/home.xhtml");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
    d.findElement(By.id("username")).sendKeys(user);
    d.findElement(By.id("password")).sendKeys(Accounts.password(user));
    d.findElement(By.id("kc-login")).click();
    if (totp != null) {
      wait.until(ExpectedConditions.presenceOfElementLocated(By.id("otp"))).sendKeys(totp);
      d.findElement(By.id("kc-login")).click();
    }
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("signed-in-as")));
    return System.nanoTime() - t0;
  }
}
