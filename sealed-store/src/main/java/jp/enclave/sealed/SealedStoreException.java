package jp.enclave.sealed;

/** A sealing, key or scratch-space failure, with a message an operator can act on. */
public final class SealedStoreException extends RuntimeException {
  public SealedStoreException(String message) {
    super(message);
  }

  public SealedStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
