package jp.enclave.checker.request;

/** The request document itself is unusable; says which field and why. */
public final class RequestRefusal extends Exception {
  private final String code;

  public RequestRefusal(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public String code() { return code; }
}
