package jp.enclave.gateway.pgwire;

import java.util.Map;
import jp.enclave.gateway.core.GatewayRefusal;

/**
 * An error as the client sees it: SQLSTATE, the gateway's stable code (first in the message, so
 * scripts can grep it), one sentence, and a 1-based character position in the text the client
 * sent (0: none) so psql draws its caret. {@link #of} maps the core's refusals through one table.
 */
final class PgError extends RuntimeException {
  /** Refusal kind → SQLSTATE; a few codes get a more precise one ({@link #BY_CODE}). */
  static final Map<GatewayRefusal.Kind, String> BY_KIND = Map.of(
      GatewayRefusal.Kind.INVALID_ARGUMENT, "42601",
      GatewayRefusal.Kind.PERMISSION_DENIED, "42501",
      GatewayRefusal.Kind.UNAUTHENTICATED, "28000",
      GatewayRefusal.Kind.NOT_FOUND, "26000",
      GatewayRefusal.Kind.RESOURCE_EXHAUSTED, "53000",
      GatewayRefusal.Kind.TIMED_OUT, "57014",
      GatewayRefusal.Kind.CANCELLED, "57014",
      GatewayRefusal.Kind.INTERNAL, "XX000");
  static final Map<String, String> BY_CODE = Map.of(
      "GW-UNKNOWN-TABLE", "42P01",
      "GW-UNKNOWN-COLUMN", "42703",
      "GW-MEMORY-LIMIT", "53200",
      "GW-EXECUTION-FAILED", "22000",
      "GW-PARAMETER-TYPE", "22023",
      "GW-PARAMETER-VALUE", "22023",
      "GW-ENCODING", "22021",
      "GW-QUERY-TOO-LARGE", "54000",
      "GW-QUERY-TOO-COMPLEX", "54001");

  private final String sqlState;
  private final String code;
  private final int position;

  PgError(String sqlState, String code, String message) {
    this(sqlState, code, message, 0);
  }

  PgError(String sqlState, String code, String message, int position) {
    super(message, null, false, false);
    this.sqlState = sqlState;
    this.code = code;
    this.position = position;
  }

  static String sqlState(GatewayRefusal r) {
    return BY_CODE.getOrDefault(r.code(), BY_KIND.get(r.kind()));
  }

  /**
   * A core refusal for {@code sent} (the text the core saw), which starts {@code before} characters
   * into the text the client sent (a later statement of a simple query).
   */
  static PgError of(GatewayRefusal r, String sent, int before) {
    int position = 0;
    if (r.refusal().hasPosition()) {
      position = before + charIndex(sent, r.refusal().line(), r.refusal().column()) + 1;
    }
    String where = r.refusal().hasPosition()
        ? " (line " + r.refusal().line() + ", column " + r.refusal().column() + ")" : "";
    return new PgError(sqlState(r), r.code(), r.refusal().message() + where, position);
  }

  /** The 0-based character index of 1-based line/column in {@code text}, clamped to the text. */
  static int charIndex(String text, int line, int column) {
    int index = 0;
    for (int l = 1; l < line && index < text.length(); l++) {
      int nl = text.indexOf('\n', index);
      if (nl < 0) {
        break;
      }
      index = nl + 1;
    }
    int at = Math.min(text.length(), index + Math.max(0, column - 1));
    // PostgreSQL positions count characters, not UTF-16 units.
    return text.codePointCount(0, at);
  }

  /** The same error for a statement that starts {@code before} characters into the client's text. */
  PgError after(int before) {
    return position <= 0 || before == 0 ? this : new PgError(sqlState, code, getMessage(), position + before);
  }

  String sqlState() {
    return sqlState;
  }

  String code() {
    return code;
  }

  int position() {
    return position;
  }

  /** {@code GW-CODE: sentence}, the message field. */
  String render() {
    return code + ": " + getMessage();
  }
}
