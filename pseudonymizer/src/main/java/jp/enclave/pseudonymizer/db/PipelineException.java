package jp.enclave.pseudonymizer.db;

/** A pipeline step that could not complete; the message says which step and why. */
public final class PipelineException extends RuntimeException {
  public PipelineException(String message) {
    super(message);
  }

  public PipelineException(String message, Throwable cause) {
    super(message, cause);
  }
}
