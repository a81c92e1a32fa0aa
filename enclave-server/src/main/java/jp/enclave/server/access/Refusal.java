package jp.enclave.server.access;

import java.util.List;

/**
 * A request the domain refuses: a stable {@code code} (the problem type's last segment and the
 * message key of the portal), what kind of refusal it is, and a sentence a person understands.
 * Created only through {@link Refusals}, so every refusal reads the same and can be grepped.
 */
public final class Refusal extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The kind decides the HTTP status in the one place that maps refusals to problem details. */
  public enum Kind { INVALID, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, TOO_LARGE }

  private final String code;
  private final Kind kind;
  private final List<String> details;

  Refusal(String code, Kind kind, String message, List<String> details) {
    super(message, null, false, false);
    this.code = code;
    this.kind = kind;
    this.details = List.copyOf(details);
  }

  public String code() {
    return code;
  }

  public Kind kind() {
    return kind;
  }

  /** Field-level problems (invalid input) or the deciding policy ids (denials). */
  public List<String> details() {
    return details;
  }
}
