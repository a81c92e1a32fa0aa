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
  private static Path home;

  @Override
  public synchronized void beforeAll(ExtensionContext context) throws Exception {
    if (db != null) {
      // Each test class starts from an empty database: its Payara migrates it afresh on deploy.
      try (var c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
          var st = c.createStatement()) {
        st.execute("drop schema public cascade");
        st.execute("create schema public");
      }
      writeProperties(context);
      return;
    }
    Path dir = Path.of(System.getProperty("enclave.it.dir", "target/it"));
    Files.createDirectories(dir);
    long t0 = System.nanoTime();
    db = Database.Embedded.start(Files.createTempDirectory(dir, "pg"));
    idp = IdentityProvider.Keycloak.start(Path.of(System.getProperty("enclave.keycloak.home")), freePort(), dir);
    System.out.printf("services up in %.1f s: %s, %s%n", (System.nanoTime() - t0) / 1e9, db.jdbcUrl(), idp.issuer());
    writeProperties(context);
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(Services.class.getName(), this);
  }

  /**
   * The configuration the test class's Payara starts with: zone trails under a home of the tests'
   * own, plus what the class asks for in a static {@code serverConfig()} (a fast witness schedule,
   * low thresholds), so one class's schedule never writes into another class's counts.
   */
  @SuppressWarnings("unchecked")
  private static void writeProperties(ExtensionContext context) throws Exception {
    Path dir = Path.of(System.getProperty("enclave.it.dir", "target/it"));
    // A fresh home per class: its schedule must never witness another class's trails.
    Path root = dir.resolve("home").toAbsolutePath();
    home = root.resolve(context.getRequiredTestClass().getSimpleName());
    if (Files.exists(home)) {
      try (var files = Files.walk(home)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(home);
    Map<String, String> config = new java.util.HashMap<>(Holder.serverConfig(dir));
    config.putAll(Map.of("enclave.home", home.toString(), "enclave.audit.witness-seconds", "3600"));
    // The zones' settings failsafe passes on (e.g. enclave.checker.jar), with fast job leases for crash tests.
    System.getProperties().stringPropertyNames().stream()
        .filter(n -> n.startsWith("enclave.checker.") || n.startsWith("enclave.holder."))
        .forEach(n -> config.put(n, System.getProperty(n)));
    config.putIfAbsent("enclave.checker.lease-seconds", "6");
    config.putIfAbsent("enclave.holder.lease-seconds", "6");
    // Classes that keep lapsed projects to test refusals must not see them ended (ClosureIT turns it on).
    config.putIfAbsent("enclave.closure.end-lapsed-projects", "false");
    try {
      var m = context.getRequiredTestClass().getDeclaredMethod("serverConfig");
      m.setAccessible(true);
      config.putAll((Map<String, String>) m.invoke(null));
    } catch (NoSuchMethodException e) {
      // the defaults above
    }
    PayaraServer.writeProperties(PayaraServer.properties(db, idp, config), dir.resolve("server.properties"));
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

  /** The enclave home the server looks for zone trails under. */
  public static Path home() {
    return home;
  }

  public static String issuer() {
    return idp.issuer();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

}
