package jp.enclave.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import jp.enclave.gateway.core.GatewayConfig;
import jp.enclave.gateway.core.GatewaySession;
import jp.enclave.policies.Subject;

/**
 * One data-holder home per test JVM, built by the pseudonymizer: project p1 (all tables, every
 * person) and p2 (patient and diagnosis of the hypertension cohort).
 */
public final class TestHome {
  public static final String PROJECT = "p1";
  public static final String OTHER_PROJECT = "p2";
  private static final int SOURCE_PATIENTS = 300;
  private static Path home;
  private static long patients;

  private TestHome() {}

  public static synchronized Path get() {
    if (home == null) {
      try {
        home = Files.createTempDirectory("gateway-home");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      patients = HolderFixture.provision(home, SOURCE_PATIENTS, PROJECT, HolderFixture.ALL_TABLES, List.of())
          .table("patient").orElseThrow().rowCount();
      HolderFixture.provision(home, SOURCE_PATIENTS, OTHER_PROJECT, List.of("patient", "diagnosis"), List.of("I10"));
    }
    return home;
  }

  /** Persons in project p1 (as linkage found them in the synthetic source). */
  public static synchronized long patients() {
    get();
    return patients;
  }

  /**
   * Rows of {@code sql} run directly on the gateway's locked-down DuckDB connection, each row's
   * values tab-joined as text, in result order: the baseline the gateway's answers must equal.
   */
  public static List<String> rawRows(jp.enclave.gateway.core.Gateway gateway, String sql) throws java.sql.SQLException {
    try (java.sql.Connection c = jp.enclave.gateway.core.GatewayTestAccess.raw(gateway);
        java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery(sql)) {
      return GatewayFixture.rows(rs);
    }
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
