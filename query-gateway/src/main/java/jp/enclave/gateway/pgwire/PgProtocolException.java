package jp.enclave.gateway.pgwire;

/**
 * A client broke the protocol (malformed, truncated or oversized message, unknown message type,
 * bad startup): the connection is closed with an ErrorResponse carrying {@code sqlState}, and the
 * attempt is audited. Never carries client bytes beyond a short description.
 */
public final class PgProtocolException extends RuntimeException {
  private final String sqlState;

  public PgProtocolException(String sqlState, String message) {
    super(message, null, false, false);
    this.sqlState = sqlState;
  }

  public String sqlState() {
    return sqlState;
  }
}
