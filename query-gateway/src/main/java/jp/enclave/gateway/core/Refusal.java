package jp.enclave.gateway.core;

/**
 * Why the gateway did not run a query: a stable code (grep-able, e.g. {@code GW-STATEMENT-NOT-ALLOWED}),
 * the 1-based line and column in the submitted text (0 when the refusal concerns the whole query),
 * and a sentence a researcher understands. Never carries a stack trace.
 */
public record Refusal(String code, int line, int column, String message) {
  public boolean hasPosition() {
    return line > 0;
  }

  /** One line for a user: {@code GW-X at line 1, column 8: sentence}. */
  public String render() {
    return hasPosition()
        ? code + " at line " + line + ", column " + column + ": " + message
        : code + ": " + message;
  }
}
