package jp.enclave.sealed;

import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.prf.PrfConfig;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import java.security.GeneralSecurityException;

/** Registers the Tink primitives this module uses, once per class loader. */
final class TinkSetup {
  static {
    try {
      AeadConfig.register();
      StreamingAeadConfig.register();
      PrfConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private TinkSetup() {}

  static void ensure() {
    // Loading the class runs the static initialiser.
  }
}
