package jp.enclave.checker.extract;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import jp.enclave.checker.Refusal;
import jp.enclave.sealed.KeyVault;
import jp.enclave.sealed.LocalKeyEncryptionKey;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.SealedStoreException;
import jp.enclave.sealed.extract.LockedDownDuckDb;
import jp.enclave.sealed.extract.SealedExtract;

/**
 * The sealed extract of one project, opened by the checker itself: decrypted into private RAM
 * scratch with the extract key set only, then opened by DuckDB under the gateway's lockdown
 * (read-only, no external access, no extension install or autoload, configuration locked; every
 * setting read back). Only the extract whose manifest names the request's project opens; a
 * plaintext database file is never accepted. Closing removes the plaintext.
 *
 * <p>Home layout, as the data holder provisions it for the query side: {@code kek/extract.kek},
 * {@code keys/extract/}, {@code extracts/<project>.manifest.json} and its sealed file.
 */
public final class ProjectExtract implements AutoCloseable {
  private final PrivateScratch scratch;
  private final Connection connection;

  private ProjectExtract(PrivateScratch scratch, Connection connection) {
    this.scratch = scratch;
    this.connection = connection;
  }

  /** Opens the request's project's extract under {@code home}; a refusal names what is missing or wrong. */
  public static ProjectExtract open(Path home, String projectId) throws Refusal {
    Path kek = home.resolve("kek/extract.kek");
    if (!Files.isRegularFile(kek)) {
      throw new Refusal("EXTRACT_KEY_MISSING", "no extract key-encryption key at " + kek
          + "; the checker never creates keys");
    }
    Path manifest = SealedExtract.manifestPath(home.resolve("extracts"), projectId);
    if (!Files.isRegularFile(manifest)) {
      throw new Refusal("EXTRACT_NOT_FOUND", "no sealed extract for project " + projectId + " at " + manifest);
    }
    KeyVault vault = new KeyVault(home.resolve("keys/extract"), LocalKeyEncryptionKey.openOrCreate(kek));
    PrivateScratch scratch = PrivateScratch.create("checker");
    try {
      SealedExtract.Opened opened = SealedExtract.open(manifest, projectId, vault, scratch);
      Path spill = Files.createDirectories(scratch.dir().resolve("spill"));
      Connection c = DriverManager.getConnection("jdbc:duckdb:" + opened.database(),
          LockedDownDuckDb.properties(spill, "2GB", 2));
      try {
        LockedDownDuckDb.verify(c);
      } catch (SQLException e) {
        c.close();
        throw e;
      }
      return new ProjectExtract(scratch, c);
    } catch (SealedStoreException e) {
      scratch.close();
      throw new Refusal("EXTRACT_UNUSABLE", e.getMessage());
    } catch (SQLException | java.io.IOException e) {
      scratch.close();
      throw new Refusal("EXTRACT_UNUSABLE", "the decrypted extract could not be opened locked down: " + e.getMessage());
    }
  }

  /** The read-only, locked-down connection; valid until {@link #close}. */
  public Connection connection() {
    return connection;
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // The plaintext is removed below whether or not DuckDB closed cleanly.
    } finally {
      scratch.close();
    }
  }
}
