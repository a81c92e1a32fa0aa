package jp.enclave.sealed;

import com.google.crypto.tink.Aead;

/**
 * The key that wraps data keys. Production binds this to a KMS or HSM; the embedded default is
 * {@link LocalKeyEncryptionKey}. Each trust zone has its own: the extract KEK (query side may use
 * it) is never the correspondence-table KEK (data holder's re-identification officers only).
 */
public interface KeyEncryptionKey {
  /** Stable name of this KEK, recorded next to every key it wraps. */
  String id();

  /** The AEAD that wraps and unwraps data keysets. */
  Aead aead();
}
