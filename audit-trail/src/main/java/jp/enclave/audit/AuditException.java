package jp.enclave.audit;

/** The audit trail cannot be opened, written or trusted. */
public final class AuditException extends RuntimeException {
  public AuditException(String message) {
    super(message);
  }

  public AuditException(String message, Throwable cause) {
    super(message, cause);
  }
}
