package jp.enclave.checker.extract;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import jp.enclave.checker.input.DuckDbConnections;
import jp.enclave.sealed.KeyVault;
import jp.enclave.sealed.LocalKeyEncryptionKey;
import jp.enclave.sealed.extract.ExtractManifest;
import jp.enclave.sealed.extract.SealedExtract;

/** Seals a small DuckDB extract under a home laid out as the data holder provisions it for the query side. */
public final class TestExtracts {
  private TestExtracts() {}

  public static void seal(Path home, String projectId, String... statements) throws Exception {
    Path plain = Files.createTempDirectory("plain-extract").resolve(projectId + ".duckdb");
    try (Connection c = DuckDbConnections.file(plain); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
    Files.createDirectories(home.resolve("kek"));
    KeyVault vault = new KeyVault(Files.createDirectories(home.resolve("keys/extract")),
        LocalKeyEncryptionKey.openOrCreate(home.resolve("kek/extract.kek")));
    String keyId = "extract-" + projectId.toLowerCase(java.util.Locale.ROOT);
    if (!vault.exists(keyId)) {
      vault.createSealingKey(keyId);
    }
    ExtractManifest m = new ExtractManifest(ExtractManifest.FORMAT_VERSION, projectId, keyId, Instant.now().toString(),
        "person_id", List.of());
    SealedExtract.seal(plain, m, vault, Files.createDirectories(home.resolve("extracts")));
    Files.delete(plain);
  }
}
