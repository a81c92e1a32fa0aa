package jp.enclave.server.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the OpenID provider is: a Keycloak started here from its server distribution with the
 * enclave realm imported, or an external one named by configuration ({@code enclave.oidc.issuer}).
 */
public interface IdentityProvider extends AutoCloseable {
  String REALM_RESOURCE = "/keycloak/enclave-realm.json";

  /** The realm's issuer URL, e.g. http://localhost:18180/realms/enclave. */
  String issuer();

  @Override
  void close();

  static IdentityProvider fromConfig(Map<String, String> config, Path keycloakHome, int port, Path logDir)
      throws IOException {
    String issuer = config.get("enclave.oidc.issuer");
    if (issuer != null && !issuer.isBlank()) {
      return new External(issuer);
    }
    return Keycloak.start(keycloakHome, port, logDir);
  }

  record External(String issuer) implements IdentityProvider {
    @Override
    public void close() {
      // Not ours to stop.
    }
  }

  /** {@code kc.sh start-dev} with an in-memory database: the realm export is imported fresh at every start. */
  final class Keycloak implements IdentityProvider {
    private final Process process;
    private final int port;

    private Keycloak(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    public static Keycloak start(Path home, int port, Path logDir) throws IOException {
      Path kc = home.resolve("bin/kc.sh");
      if (!Files.isExecutable(kc)) {
        throw new IllegalStateException("no Keycloak distribution at " + home
            + " (./mvnw -pl enclave-server -am package unpacks it into enclave-server/target)");
      }
      Path imports = home.resolve("data/import");
      Files.createDirectories(imports);
      try (InputStream realm = IdentityProvider.class.getResourceAsStream(REALM_RESOURCE)) {
        Files.copy(realm, imports.resolve("enclave-realm.json"), StandardCopyOption.REPLACE_EXISTING);
      }
      Files.createDirectories(logDir);
      Path log = logDir.resolve("keycloak.log");
      List<String> cmd = new ArrayList<>(List.of(kc.toString(), "start-dev", "--http-port=" + port,
          "--http-management-port=" + Processes.freePort(), "--db=dev-mem", "--import-realm",
          "--hostname=http://localhost:" + port));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx768m");
      Keycloak k = new Keycloak(pb.start(), port);
      try {
        Processes.awaitHttp(k.process, k.issuer() + "/.well-known/openid-configuration", 
            // A loaded 2-core machine has needed more than 4 minutes for start-dev's rebuild.
            Duration.ofMinutes(Long.getLong("enclave.keycloak.start-minutes", 4)), "Keycloak", log);
      } catch (RuntimeException e) {
        k.close();
        throw e;
      }
      return k;
    }

    @Override
    public String issuer() {
      return "http://localhost:" + port + "/realms/enclave";
    }

    @Override
    public void close() {
      Processes.stop(process, Duration.ofSeconds(20));
    }
  }
}
