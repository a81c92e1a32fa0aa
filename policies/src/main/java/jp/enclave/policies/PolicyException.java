package jp.enclave.policies;

/** The policies could not be loaded or evaluated: a configuration fault, never a user's error. */
public final class PolicyException extends RuntimeException {
  public PolicyException(String message) {
    super(message);
  }

  public PolicyException(String message, Throwable cause) {
    super(message, cause);
  }
}
