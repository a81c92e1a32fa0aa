package jp.enclave.gateway.core;

/** Thrown by a pipeline stage to refuse a query; made only through {@link Refusals}. */
public final class GatewayRefusal extends RuntimeException {
  private final Refusal refusal;
  private final transient Kind kind;

  /** Which class of wire error a front end should map the refusal to. */
  public enum Kind { INVALID_ARGUMENT, PERMISSION_DENIED, UNAUTHENTICATED, NOT_FOUND, RESOURCE_EXHAUSTED, TIMED_OUT, CANCELLED, INTERNAL }

  GatewayRefusal(Refusal refusal, Kind kind) {
    super(refusal.render(), null, false, false);
    this.refusal = refusal;
    this.kind = kind;
  }

  /** The same refusal at another column of its line (positions mapped back to the user's text). */
  GatewayRefusal atColumn(int column) {
    if (!refusal.hasPosition()) {
      return this;
    }
    return new GatewayRefusal(new Refusal(refusal.code(), refusal.line(), column, refusal.message()), kind);
  }

  /** The same refusal at another line and column (positions mapped back to the user's text). */
  GatewayRefusal at(int line, int column) {
    if (!refusal.hasPosition()) {
      return this;
    }
    return new GatewayRefusal(new Refusal(refusal.code(), line, column, refusal.message()), kind);
  }

  public Refusal refusal() {
    return refusal;
  }

  public Kind kind() {
    return kind;
  }

  public String code() {
    return refusal.code();
  }
}
