package jp.enclave.sealed;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * Embedded-default KEK: an AES-256-GCM Tink keyset in an owner-only file. It stands where an HSM
 * would in production, so its file must live outside every researcher-reachable host.
 */
public final class LocalKeyEncryptionKey implements KeyEncryptionKey {
  private final String id;
  private final Aead aead;

  private LocalKeyEncryptionKey(String id, Aead aead) {
    this.id = id;
    this.aead = aead;
  }

  /** Opens the KEK at {@code file}, creating it (mode 0600) on first use. */
  public static LocalKeyEncryptionKey openOrCreate(Path file) {
    TinkSetup.ensure();
    String id = "local:" + file.getFileName();
    try {
      KeysetHandle handle;
      if (Files.exists(file)) {
        handle = TinkProtoKeysetFormat.parseKeyset(Files.readAllBytes(file), InsecureSecretKeyAccess.get());
      } else {
        handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        PrivateFiles.writeAtomically(
            file, TinkProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get()));
      }
      return new LocalKeyEncryptionKey(id, handle.getPrimitive(RegistryConfiguration.get(), Aead.class));
    } catch (GeneralSecurityException e) {
      throw new SealedStoreException("key-encryption key " + file + " is not a valid AEAD keyset", e);
    } catch (IOException e) {
      throw new SealedStoreException("cannot read or create key-encryption key " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Aead aead() {
    return aead;
  }
}
