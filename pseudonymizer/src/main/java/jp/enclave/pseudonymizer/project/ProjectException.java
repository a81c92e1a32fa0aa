package jp.enclave.pseudonymizer.project;

/** A project operation refused or failed; nothing was changed. */
public final class ProjectException extends RuntimeException {
  public ProjectException(String message) {
    super(message);
  }

  public ProjectException(String message, Throwable cause) {
    super(message, cause);
  }
}
