package jp.enclave.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's own classpath ({@code target/enclave-server-launcher.jar} and
 * {@code target/launcher-lib}, what {@code ./enclave demo} and {@code ./enclave server} run) holds
 * what the embedded PostgreSQL needs: the ITs start their services from the test classpath, so
 * only this catches a library that left {@code launcher-lib} (commons-io did, when a WAR
 * dependency made it compile-scoped).
 */
class LauncherClasspathIT {
  @TempDir Path tmp;

  @Test
  void theLaunchersClasspathAloneStartsAndStopsTheEmbeddedPostgres() throws Exception {
    Path target = Path.of(System.getProperty("enclave.war")).toAbsolutePath().getParent();
    List<URL> urls = new ArrayList<>();
    urls.add(target.resolve("enclave-server-launcher.jar").toUri().toURL());
    try (Stream<Path> libs = Files.list(target.resolve("launcher-lib"))) {
      for (Path p : libs.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
        urls.add(p.toUri().toURL());
      }
    }
    // Parent: the platform loader only, so nothing of the test classpath can stand in.
    try (URLClassLoader launcher = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      Class<?> embedded = Class.forName("jp.enclave.server.launcher.Database$Embedded", true, launcher);
      assertThat(embedded.getClassLoader()).isSameAs(launcher);
      Object db = embedded.getMethod("start", Path.class).invoke(null, tmp.resolve("pg"));
      try {
        String url = (String) embedded.getMethod("jdbcUrl").invoke(db);
        assertThat(url).startsWith("jdbc:postgresql://");
      } finally {
        ((AutoCloseable) db).close();
      }
    }
  }
}
