package jp.enclave.sealed.extract;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import jp.enclave.sealed.KeyVault;
import jp.enclave.sealed.PrivateFiles;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.SealedFiles;
import jp.enclave.sealed.SealedStoreException;

/**
 * A project extract at rest: {@code <project>.duckdb.sealed} plus {@code <project>.manifest.json}.
 * The data holder seals; the query side opens into private RAM scratch, read-only from there.
 */
public final class SealedExtract {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SealedExtract() {}

  /** On-disk form of the manifest: the authenticated body and the ciphertext's digest. */
  public record ManifestFile(ExtractManifest manifest, String sealedFile, String sealedSha256) {}

  public static Path sealedPath(Path dir, String projectId) {
    return dir.resolve(projectId + ".duckdb.sealed");
  }

  public static Path manifestPath(Path dir, String projectId) {
    return dir.resolve(projectId + ".manifest.json");
  }

  /** Seals a finished plaintext DuckDB file; the plaintext is the caller's to delete. */
  public static ManifestFile seal(Path plaintextDb, ExtractManifest manifest, KeyVault vault, Path dir) {
    Path sealed = sealedPath(dir, manifest.projectId());
    SealedFiles.seal(plaintextDb, sealed, vault.sealingKey(manifest.keyId()), manifest.associatedData());
    ManifestFile file = new ManifestFile(manifest, sealed.getFileName().toString(), sha256(sealed));
    try {
      PrivateFiles.writeAtomically(manifestPath(dir, manifest.projectId()), JSON.writeValueAsBytes(file));
    } catch (IOException e) {
      throw new SealedStoreException("could not write manifest for " + manifest.projectId() + ": " + e.getMessage(), e);
    }
    return file;
  }

  public static ManifestFile readManifest(Path manifestPath) {
    try {
      return JSON.readValue(manifestPath.toFile(), ManifestFile.class);
    } catch (IOException e) {
      throw new SealedStoreException("extract manifest " + manifestPath + " is unreadable: " + e.getMessage(), e);
    }
  }

  /**
   * Decrypts the extract into {@code scratch} and returns the plaintext database path. Fails if
   * the key was destroyed, the manifest or file was altered, or it belongs to another project.
   */
  public static Opened open(Path manifestPath, String expectedProjectId, KeyVault vault, PrivateScratch scratch) {
    ManifestFile file = readManifest(manifestPath);
    ExtractManifest m = file.manifest();
    if (!m.projectId().equals(expectedProjectId)) {
      throw new SealedStoreException("extract " + manifestPath.getFileName() + " belongs to project "
          + m.projectId() + ", not " + expectedProjectId);
    }
    if (m.formatVersion() != ExtractManifest.FORMAT_VERSION) {
      throw new SealedStoreException("extract format v" + m.formatVersion() + " is not supported");
    }
    Path sealed = manifestPath.resolveSibling(file.sealedFile());
    if (!Files.exists(sealed)) {
      throw new SealedStoreException("sealed extract " + sealed + " is missing (deleted project?)");
    }
    Path db = scratch.resolve(m.projectId() + ".duckdb");
    SealedFiles.unseal(sealed, db, vault.sealingKey(m.keyId()), m.associatedData());
    return new Opened(m, db);
  }

  /** A decrypted extract; its file lives as long as the scratch it was opened into. */
  public record Opened(ExtractManifest manifest, Path database) {}

  static String sha256(Path file) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new SealedStoreException("cannot hash " + file + ": " + e.getMessage(), e);
    }
  }
}
