package jp.enclave.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import jp.enclave.gateway.bench.SyntheticExtract;
import jp.enclave.gateway.core.GatewayConfig;
import jp.enclave.gateway.core.GatewaySession;
import jp.enclave.policies.Subject;

/** One sealed data-holder home per test JVM: project p1 (all tables) and p2 (a subset). */
public final class TestHome {
  public static final String PROJECT = "p1";
  public static final String OTHER_PROJECT = "p2";
  public static final int PATIENTS = 300;
  private static Path home;

  private TestHome() {}

  public static synchronized Path get() {
    if (home == null) {
      try {
        home = Files.createTempDirectory("gateway-home");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      SyntheticExtract.build(home, PROJECT, PATIENTS);
      SyntheticExtract.build(home, OTHER_PROJECT, 50, Set.of("patient", "diagnosis"));
    }
    return home;
  }

  public static GatewayConfig config() {
    return GatewayConfig.defaults()
        .withProjectApprovedUntil(Instant.now().plus(Duration.ofDays(30)))
        .withFreeTextOnsite(true)
        .withMemoryLimit("512MB")
        .withAuditSync(false);
  }

  public static GatewaySession session(GatewaySession.SessionKind kind) {
    return session("alice", PROJECT, kind);
  }

  public static GatewaySession session(String user, String project, GatewaySession.SessionKind kind) {
    Subject s = new Subject(user, Set.of("researcher"), "org-1", "type2",
        Instant.now().plus(Duration.ofDays(365)), project);
    return new GatewaySession("s-" + user + "-" + kind.label(), s, kind, Instant.now().plus(Duration.ofHours(8)));
  }
}
