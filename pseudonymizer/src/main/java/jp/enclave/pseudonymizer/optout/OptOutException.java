package jp.enclave.pseudonymizer.optout;

/** An opt-out request refused or an opt-out step that could not complete, with the reason. */
public final class OptOutException extends RuntimeException {
  public OptOutException(String message) {
    super(message);
  }

  public OptOutException(String message, Throwable cause) {
    super(message, cause);
  }
}
