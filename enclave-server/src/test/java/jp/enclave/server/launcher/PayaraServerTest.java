package jp.enclave.server.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second start on the same home deploys only the given WAR (the first run's copy is forgotten). */
class PayaraServerTest {
  @Test
  void theLastRunsDeploymentIsForgottenAndTheHomeKept(@TempDir Path home) throws Exception {
    Path root = home.resolve("payara-root");
    Files.createDirectories(root.resolve("applications/enclave-server/WEB-INF"));
    Files.writeString(root.resolve("applications/enclave-server/WEB-INF/web.xml"), "<web-app/>");
    Files.createDirectories(root.resolve("config"));
    Files.writeString(root.resolve("config/domain.xml"), "<domain/>");
    Files.createDirectories(home.resolve("keys"));
    Files.writeString(home.resolve("keys/session.json"), "{}");

    PayaraServer.forgetDeployments(root);

    assertThat(root).doesNotExist();
    assertThat(home.resolve("keys/session.json")).exists();
    PayaraServer.forgetDeployments(root); // nothing to forget on a first start
  }
}
