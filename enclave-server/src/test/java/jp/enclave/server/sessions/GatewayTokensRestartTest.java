package jp.enclave.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jp.enclave.gateway.token.SessionTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server restarted on the same home signs with the key it kept. Found by running
 * {@code ./enclave demo} twice: the second run's session open failed. The restart is a fresh JVM
 * (a class already loaded in this one would hide the fault).
 */
class GatewayTokensRestartTest {
  /** The restarted server: loads the kept key first thing and signs a token with it. */
  public static void main(String[] args) {
    GatewayTokens t = GatewayTokens.persistent(Path.of(args[0]), Duration.ofMinutes(15));
    String token = t.issue(new SessionTokens.Claims("u-1", "p-dm", "remote", List.of("researcher"), "org-1", "type2",
        Instant.now().plusSeconds(86400), "s-1", null), Instant.now());
    System.out.println(token.isEmpty() ? "no token" : "signed");
  }

  @Test
  void aKeptKeySignsAfterARestart(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("keys/session-signing.json");
    GatewayTokens.persistent(key, Duration.ofMinutes(15)); // the first start creates it
    assertThat(key).exists();
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), GatewayTokensRestartTest.class.getName(), key.toString())
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("signed");
  }
}
