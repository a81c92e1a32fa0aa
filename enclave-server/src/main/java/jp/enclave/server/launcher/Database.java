package jp.enclave.server.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the server's PostgreSQL is: started here (embedded, real binaries) or an external one
 * named by configuration. The server only ever sees the JDBC address.
 */
public interface Database extends AutoCloseable {
  String jdbcUrl();

  String user();

  String password();

  @Override
  void close();

  /** {@code enclave.db.url} (with user/password) names an external database; otherwise an embedded one under {@code home}. */
  static Database fromConfig(Map<String, String> config, Path home) throws IOException {
    String url = config.get("enclave.db.url");
    if (url != null && !url.isBlank()) {
      return new External(url, config.getOrDefault("enclave.db.user", "enclave"),
          config.getOrDefault("enclave.db.password", ""));
    }
    return Embedded.start(home.resolve("postgres"));
  }

  record External(String jdbcUrl, String user, String password) implements Database {
    @Override
    public void close() {
      // Not ours to stop.
    }
  }

  /** zonky's embedded PostgreSQL: data kept in {@code dataDir} across runs, stopped on close. */
  final class Embedded implements Database {
    private final EmbeddedPostgres pg;

    private Embedded(EmbeddedPostgres pg) {
      this.pg = pg;
    }

    public static Embedded start(Path dataDir) throws IOException {
      Files.createDirectories(dataDir);
      return new Embedded(EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).start());
    }

    @Override
    public String jdbcUrl() {
      return pg.getJdbcUrl("postgres", "postgres");
    }

    @Override
    public String user() {
      return "postgres";
    }

    @Override
    public String password() {
      return "";
    }

    @Override
    public void close() {
      try {
        pg.close();
      } catch (IOException e) {
        System.err.println("embedded PostgreSQL did not stop cleanly: " + e.getMessage());
      }
    }
  }
}
