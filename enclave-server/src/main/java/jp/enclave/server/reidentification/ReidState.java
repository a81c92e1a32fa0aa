package jp.enclave.server.reidentification;

import java.util.Locale;

/**
 * A PMDA re-identification request's life: filed by an inspector, approved by one officer, then
 * by a second, different one; only then it runs in the data holder's zone; its result goes to the
 * filing inspector alone. {@code REJECTED} and {@code COMPLETED} are final.
 */
public enum ReidState {
  FILED, ONE_APPROVAL, APPROVED, RUNNING, FAILED, COMPLETED, REJECTED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
