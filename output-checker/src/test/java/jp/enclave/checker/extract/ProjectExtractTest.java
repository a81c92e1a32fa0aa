package jp.enclave.checker.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import jp.enclave.checker.Refusal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker opens sealed extracts itself, locked down as the gateway does, and only the request's project's. */
class ProjectExtractTest {
  @TempDir
  Path home;

  @Test
  void opensTheProjectsExtractReadOnlyLockedDownAndRemovesThePlaintext() throws Exception {
    TestExtracts.seal(home, "P1", "CREATE TABLE visits AS SELECT 'PX' || i AS person_id FROM range(12) t(i)");
    Path plaintext;
    try (ProjectExtract e = ProjectExtract.open(home, "P1"); Statement s = e.connection().createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM visits")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(12);
      }
      try (ResultSet rs = s.executeQuery("SELECT path FROM duckdb_databases() WHERE database_name = current_database()")) {
        rs.next();
        plaintext = Path.of(rs.getString(1));
      }
      assertThat(plaintext.toString()).startsWith("/dev/shm/"); // RAM scratch, never the home
      // An attacker's statements: write, read files, undo the lockdown, load an extension.
      assertThatThrownBy(() -> s.execute("CREATE TABLE x AS SELECT 1")).isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM read_csv('/etc/passwd')")).isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> s.execute("SET enable_external_access = true")).isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> s.execute("SET lock_configuration = false")).isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> s.execute("LOAD httpfs")).isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> s.execute("ATTACH '" + home.resolve("other.duckdb") + "'")).isInstanceOf(SQLException.class);
    }
    assertThat(Files.exists(plaintext)).isFalse();
  }

  @Test
  void anotherProjectsExtractNeverOpens() throws Exception {
    TestExtracts.seal(home, "P2", "CREATE TABLE t AS SELECT 1 AS person_id");
    assertThatThrownBy(() -> ProjectExtract.open(home, "P1")).isInstanceOfSatisfying(Refusal.class,
        r -> assertThat(r.code()).isEqualTo("EXTRACT_NOT_FOUND"));
    // P2's files renamed as P1's: the manifest still names P2, so the seal is refused.
    Path dir = home.resolve("extracts");
    Files.copy(dir.resolve("P2.manifest.json"), dir.resolve("P1.manifest.json"));
    assertThatThrownBy(() -> ProjectExtract.open(home, "P1")).isInstanceOfSatisfying(Refusal.class, r -> {
      assertThat(r.code()).isEqualTo("EXTRACT_UNUSABLE");
      assertThat(r.getMessage()).contains("belongs to project P2");
    });
  }

  @Test
  void aPlaintextDatabaseIsNotAnExtract() throws Exception {
    Files.createDirectories(home.resolve("kek"));
    Files.createDirectories(home.resolve("extracts"));
    jp.enclave.sealed.LocalKeyEncryptionKey.openOrCreate(home.resolve("kek/extract.kek"));
    try (var c = jp.enclave.checker.input.DuckDbConnections.file(home.resolve("extracts/P1.duckdb"))) {
      c.createStatement().execute("CREATE TABLE t AS SELECT 1 AS person_id");
    }
    assertThatThrownBy(() -> ProjectExtract.open(home, "P1")).isInstanceOfSatisfying(Refusal.class,
        r -> assertThat(r.code()).isEqualTo("EXTRACT_NOT_FOUND"));
  }
}
