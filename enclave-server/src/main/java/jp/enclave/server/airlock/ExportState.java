package jp.enclave.server.airlock;

import java.util.Locale;

/**
 * An export request's life. {@code CHECK_FAILED} is the checker's failure (a retry submits it
 * again); {@code REJECTED} and {@code REVOKED} are final, {@code RELEASED} only ends by revocation.
 */
public enum ExportState {
  DRAFT, SUBMITTED, CHECKING, CHECK_FAILED, CHECKED, IN_REVIEW, APPROVED, REJECTED, RELEASED, REVOKED;

  /** The name in the API, the audit trail and the diagram: {@code in-review}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
