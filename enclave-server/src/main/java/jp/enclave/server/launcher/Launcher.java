package jp.enclave.server.launcher;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts the enclave server with its embedded defaults: PostgreSQL (zonky, real binaries),
 * Keycloak with the enclave realm, and Payara Micro with the WAR; stops all three on Ctrl-C or
 * SIGTERM, in reverse order. External PostgreSQL or Keycloak by configuration
 * ({@code -Denclave.db.url=...}, {@code -Denclave.oidc.issuer=...}).
 *
 * <pre>java -cp enclave-server-launcher.jar:launcher-lib/* jp.enclave.server.launcher.Launcher
 *     --home DIR --war enclave-server.war --payara payara-micro.jar --keycloak keycloak-26.x [--port 8080]
 *     [--gateway-jar query-gateway-cli.jar [--gateway-home DIR]]</pre>
 */
public final class Launcher {
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private volatile boolean stopping;

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = options(args);
    Path home = Path.of(opts.getOrDefault("home", "target/enclave-home")).toAbsolutePath();
    Path war = Path.of(opts.getOrDefault("war", "enclave-server/target/enclave-server.war"));
    Path payara = Path.of(opts.getOrDefault("payara", "enclave-server/target/payara-micro.jar"));
    Path keycloak = Path.of(opts.getOrDefault("keycloak", "enclave-server/target/keycloak-26.7.3"));
    int port = Integer.parseInt(opts.getOrDefault("port", "8080"));
    int kcPort = Integer.parseInt(opts.getOrDefault("keycloak-port", "18180"));
    String gateway = opts.getOrDefault("gateway", "127.0.0.1:47470");

    Launcher l = new Launcher();
    Runtime.getRuntime().addShutdownHook(new Thread(l::stopAll, "enclave-stop"));
    Map<String, String> config = config();
    Path serverDir = home.resolve("server");
    System.out.println("starting PostgreSQL ...");
    Database db = l.add(Database.fromConfig(config, serverDir));
    System.out.println("starting Keycloak on port " + kcPort + " (first start 50-90 s) ...");
    IdentityProvider idp = l.add(IdentityProvider.fromConfig(config, keycloak, kcPort, serverDir));
    Map<String, String> defaults = new HashMap<>(config);
    defaults.putIfAbsent("enclave.keys.dir", serverDir.resolve("keys").toString());
    defaults.putIfAbsent("enclave.gateway.address", gateway);
    defaults.putIfAbsent("enclave.home", home.toString()); // zone trails are found under it
    // The zone homes beside the server's: the data holder's (provisioning runs its pipeline there)
    // and the gateway zone's (where extracts are exported; managed gateways run with it alone).
    defaults.putIfAbsent("enclave.holder.home", home.resolve("holder").toString());
    defaults.putIfAbsent("enclave.gateways.home",
        Path.of(opts.getOrDefault("gateway-home", home.resolve("gateway").toString())).toAbsolutePath().toString());
    pseudonymizerJar(opts).ifPresent(j -> defaults.putIfAbsent("enclave.pseudonymizer.jar", j.toString()));
    // Managed gateways: the server starts each project's gateway from this jar.
    if (opts.containsKey("gateway-jar")) {
      defaults.putIfAbsent("enclave.gateways.jar", Path.of(opts.get("gateway-jar")).toAbsolutePath().toString());
      defaults.putIfAbsent("enclave.gateways.server-url", "http://127.0.0.1:" + port + "/");
    }
    // The zones' CLIs beside the WAR (target/zones): the output checker runs export checks, the
    // holder's pseudonymizer runs approved re-identifications against the demo's holder home.
    Path zones = war.toAbsolutePath().resolveSibling("zones");
    if (java.nio.file.Files.exists(zones.resolve("output-checker-cli.jar"))) {
      defaults.putIfAbsent("enclave.checker.jar", zones.resolve("output-checker-cli.jar").toString());
    }
    if (java.nio.file.Files.exists(zones.resolve("pseudonymizer-cli.jar"))
        && java.nio.file.Files.isDirectory(home.resolve("holder"))) {
      defaults.putIfAbsent("enclave.pseudonymizer.jar", zones.resolve("pseudonymizer-cli.jar").toString());
      defaults.putIfAbsent("enclave.holder.home", home.resolve("holder").toString());
    }
    Map<String, String> props = PayaraServer.properties(db, idp, defaults);
    System.out.println("starting Payara Micro on port " + port + " ...");
    PayaraServer server = l.add(PayaraServer.start(payara, war, port, props, serverDir));
    System.out.println();
    System.out.println("== enclave server: http://localhost:" + port + "/");
    System.out.println("   demo accounts (password = name + \"-demo\"): steward (TOTP, secret in the realm export),");
    System.out.println("   researcher, auditor, reviewer, onsite-staff. Ctrl-C stops everything.");
    System.out.println("   logs: " + serverDir);
    int rc = server.process().waitFor();
    if (!l.stopping) {
      System.err.println("Payara Micro exited with " + rc + "; stopping the rest (log: " + serverDir + "/payara.log)");
      System.exit(1);
    }
  }

  private <T extends AutoCloseable> T add(T resource) {
    synchronized (started) {
      started.push(resource);
    }
    return resource;
  }

  private void stopAll() {
    stopping = true;
    synchronized (started) {
      while (!started.isEmpty()) {
        AutoCloseable c = started.pop();
        try {
          c.close();
        } catch (Exception e) {
          System.err.println("stopping " + c + ": " + e.getMessage());
        }
      }
    }
  }

  /** {@code --pseudonymizer JAR}, or the one the build made ({@code pseudonymizer/target/*-cli.jar}). */
  static java.util.Optional<Path> pseudonymizerJar(Map<String, String> opts) {
    if (opts.containsKey("pseudonymizer")) {
      return java.util.Optional.of(Path.of(opts.get("pseudonymizer")).toAbsolutePath());
    }
    try (var jars = java.nio.file.Files.newDirectoryStream(Path.of("pseudonymizer", "target"), "pseudonymizer-*-cli.jar")) {
      for (Path j : jars) {
        return java.util.Optional.of(j.toAbsolutePath());
      }
    } catch (java.io.IOException e) {
      // not built here: provisioning jobs fail with the reason until it is configured
    }
    return java.util.Optional.empty();
  }

  /** enclave.* system properties: the switch between embedded and external services. */
  private static Map<String, String> config() {
    Map<String, String> out = new HashMap<>();
    System.getProperties().forEach((k, v) -> {
      if (k.toString().startsWith("enclave.")) {
        out.put(k.toString(), v.toString());
      }
    });
    return out;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("usage: --home DIR --war WAR --payara JAR --keycloak DIR [--port N] "
            + "[--keycloak-port N] [--gateway HOST:PORT | --gateway-jar JAR] [--gateway-home DIR] [--pseudonymizer JAR]; bad argument " + args[i]);
      }
      out.put(args[i].substring(2), args[++i]);
    }
    return out;
  }
}
