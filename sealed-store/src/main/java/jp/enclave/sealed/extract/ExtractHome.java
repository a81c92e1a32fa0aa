package jp.enclave.sealed.extract;

import java.nio.file.Path;
import jp.enclave.sealed.KeyEncryptionKeys;
import jp.enclave.sealed.KeyVault;
import jp.enclave.sealed.PrivateScratch;

/**
 * The layout a zone that reads extracts (the query gateway, the output checker) keeps in its own
 * home, and the only things the data holder gives it: {@code extracts/} (sealed extracts and
 * manifests), {@code keys/extract/} (those projects' wrapped extract keys) and {@code kek/} (the
 * extract KEK's configuration: the local key file, or the PKCS#11 settings for a token).
 */
public record ExtractHome(Path root) {
  /** The KEK name extract keys are wrapped under. */
  public static final String KEK_NAME = "extract";

  public Path extracts() {
    return root.resolve("extracts");
  }

  public Path extractKeys() {
    return root.resolve("keys/extract");
  }

  public Path kekDir() {
    return root.resolve("kek");
  }

  /** The extract keys, unwrapped by the KEK this home is configured with. */
  public KeyVault vault() {
    return new KeyVault(extractKeys(), KeyEncryptionKeys.openExisting(kekDir(), KEK_NAME));
  }

  /** Opens project {@code projectId}'s extract into {@code scratch} (see {@link SealedExtract#open}). */
  public SealedExtract.Opened open(String projectId, PrivateScratch scratch) {
    return SealedExtract.open(SealedExtract.manifestPath(extracts(), projectId), projectId, vault(), scratch);
  }
}
