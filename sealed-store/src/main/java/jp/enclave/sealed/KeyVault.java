package jp.enclave.sealed;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.Prf;
import com.google.crypto.tink.prf.PrfSet;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Data keys, each a Tink keyset wrapped by one {@link KeyEncryptionKey} and stored as one file.
 * The wrapping binds the key's id as associated data, so a key file renamed to another id does
 * not open. Destroying a key is how a project's data is crypto-shredded.
 */
public final class KeyVault {
  private static final Pattern KEY_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  private final Path dir;
  private final KeyEncryptionKey kek;

  public KeyVault(Path dir, KeyEncryptionKey kek) {
    this.dir = dir;
    this.kek = kek;
    TinkSetup.ensure();
  }

  /** Creates a streaming-AEAD key (AES-256-GCM-HKDF, 1 MB segments) for sealing files. */
  public void createSealingKey(String keyId) {
    create(keyId, PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB);
  }

  /** Creates an HMAC-SHA256 PRF key for deriving pseudonyms. */
  public void createPrfKey(String keyId) {
    create(keyId, PredefinedPrfParameters.HMAC_SHA256_PRF);
  }

  public boolean exists(String keyId) {
    return Files.exists(file(keyId));
  }

  public StreamingAead sealingKey(String keyId) {
    try {
      return load(keyId).getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
    } catch (GeneralSecurityException e) {
      throw new SealedStoreException("key " + keyId + " is not a sealing key", e);
    }
  }

  public Prf prfKey(String keyId) {
    try {
      return load(keyId).getPrimitive(RegistryConfiguration.get(), PrfSet.class).getPrfs()
          .values().iterator().next();
    } catch (GeneralSecurityException e) {
      throw new SealedStoreException("key " + keyId + " is not a PRF key", e);
    }
  }

  /**
   * Overwrites the wrapped key with random bytes, syncs and deletes it. On flash storage the
   * overwrite is best effort; the guarantee rests on the KEK never having been exported.
   */
  public KeyDestruction destroy(String keyId) {
    Path f = file(keyId);
    if (!Files.exists(f)) {
      throw new SealedStoreException("no key " + keyId + " in " + dir + " to destroy");
    }
    try {
      byte[] wrapped = Files.readAllBytes(f);
      String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(wrapped));
      byte[] noise = new byte[wrapped.length];
      new SecureRandom().nextBytes(noise);
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(noise));
        ch.force(true);
      }
      Files.delete(f);
      return new KeyDestruction(keyId, kek.id(), Instant.now(), digest);
    } catch (IOException | GeneralSecurityException e) {
      throw new SealedStoreException("could not destroy key " + keyId + ": " + e.getMessage(), e);
    }
  }

  private void create(String keyId, Parameters parameters) {
    Path f = file(keyId);
    if (Files.exists(f)) {
      throw new SealedStoreException("key " + keyId + " already exists; keys are never replaced");
    }
    try {
      KeysetHandle handle = KeysetHandle.generateNew(parameters);
      byte[] wrapped = TinkProtoKeysetFormat.serializeEncryptedKeyset(handle, kek.aead(), context(keyId));
      PrivateFiles.writeAtomically(f, wrapped);
    } catch (GeneralSecurityException | IOException e) {
      throw new SealedStoreException("could not create key " + keyId + ": " + e.getMessage(), e);
    }
  }

  private KeysetHandle load(String keyId) {
    Path f = file(keyId);
    if (!Files.exists(f)) {
      throw new SealedStoreException("key " + keyId + " does not exist (never created, or destroyed)");
    }
    try {
      return TinkProtoKeysetFormat.parseEncryptedKeyset(Files.readAllBytes(f), kek.aead(), context(keyId));
    } catch (GeneralSecurityException e) {
      throw new SealedStoreException(
          "key " + keyId + " cannot be unwrapped by KEK " + kek.id() + " (wrong KEK or tampered key file)", e);
    } catch (IOException e) {
      throw new SealedStoreException("cannot read key " + keyId + ": " + e.getMessage(), e);
    }
  }

  private Path file(String keyId) {
    if (!KEY_ID.matcher(keyId).matches()) {
      throw new SealedStoreException("invalid key id '" + keyId + "': use 1-64 of [a-z0-9._-]");
    }
    return dir.resolve(keyId + ".tink");
  }

  private static byte[] context(String keyId) {
    return ("enclave-key:" + keyId).getBytes(StandardCharsets.UTF_8);
  }

  /** What remains of a destroyed key: enough to prove which key it was, nothing to rebuild it. */
  public record KeyDestruction(String keyId, String kekId, Instant destroyedAt, String wrappedKeySha256) {}
}
