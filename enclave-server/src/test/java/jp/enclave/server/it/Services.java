package jp.enclave.server.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jp.enclave.server.launcher.Database;
import jp.enclave.server.launcher.IdentityProvider;
import jp.enclave.server.launcher.PayaraServer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real services the integration tests run against, started once per test JVM with the
 * launcher's own classes: an embedded PostgreSQL and Keycloak with the enclave realm. Writes the
 * system-properties file Payara Micro is started with (failsafe passes its path to Arquillian).
 * Registered before Arquillian's extension, so they are up before Payara deploys the WAR; each
 * later test class gets an empty database.
 */
public final class Services implements BeforeAllCallback, ExtensionContext.Store.CloseableResource {
  private static Database db;
  private static IdentityProvider idp;

  @Override
  public synchronized void beforeAll(ExtensionContext context) throws Exception {
    if (db != null) {
      // Each test class starts from an empty database: its Payara migrates it afresh on deploy.
      try (var c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
          var st = c.createStatement()) {
        st.execute("drop schema public cascade");
        st.execute("create schema public");
      }
      return;
    }
    Path dir = Path.of(System.getProperty("enclave.it.dir", "target/it"));
    Files.createDirectories(dir);
    long t0 = System.nanoTime();
    db = Database.Embedded.start(Files.createTempDirectory(dir, "pg"));
    idp = IdentityProvider.Keycloak.start(Path.of(System.getProperty("enclave.keycloak.home")), freePort(), dir);
    System.out.printf("services up in %.1f s: %s, %s%n", (System.nanoTime() - t0) / 1e9, db.jdbcUrl(), idp.issuer());
    PayaraServer.writeProperties(PayaraServer.properties(db, idp, zones()), dir.resolve("server.properties"));
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(Services.class.getName(), this);
  }

  @Override
  public synchronized void close() {
    if (idp != null) {
      idp.close();
    }
    if (db != null) {
      db.close();
    }
    idp = null;
    db = null;
  }

  public static String jdbcUrl() {
    return db.jdbcUrl();
  }

  public static String issuer() {
    return idp.issuer();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The zones' settings failsafe passes on (e.g. enclave.checker.jar), with fast check-job leases for crash tests. */
  private static Map<String, String> zones() {
    Map<String, String> out = new java.util.TreeMap<>();
    System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith("enclave.checker.") || n.startsWith("enclave.holder."))
        .forEach(n -> out.put(n, System.getProperty(n)));
    out.putIfAbsent("enclave.checker.lease-seconds", "6");
    out.putIfAbsent("enclave.holder.lease-seconds", "6");
    return out;
  }
}
