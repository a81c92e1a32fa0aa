package jp.enclave.sealed;

import com.google.crypto.tink.Aead;

/**
 * The key that wraps data keys: a key file ({@link LocalKeyEncryptionKey}, the embedded default)
 * or a key inside a PKCS#11 token ({@link Pkcs11KeyEncryptionKey}), chosen by a zone's
 * configuration through {@link KeyEncryptionKeys}. Each trust zone has its own: the extract KEK (query side may use
 * it) is never the correspondence-table KEK (data holder's re-identification officers only).
 */
public interface KeyEncryptionKey {
  /** Stable name of this KEK, recorded next to every key it wraps. */
  String id();

  /** The AEAD that wraps and unwraps data keysets. */
  Aead aead();
}
