package jp.enclave.server.sessions;

import java.time.Instant;

/**
 * What sessions need of the project gateways: where a project's gateway is reached (starting it
 * if it is not running), and what it must learn of each session's token. Implemented by the
 * server's gateway manager; {@link #fixed} for a gateway run by someone else (and tests).
 */
public interface Gateways {
  /** {@code host:port} of the project's gateway for a session being opened or renewed. */
  String addressFor(String projectId);

  /** {@code host:port} of the project's PostgreSQL endpoint, or null if it has none. */
  default String pgAddressFor(String projectId) {
    return null;
  }

  /** A token was issued for an open session (in the caller's transaction). */
  void tokenIssued(Session session, String token, Instant expires);

  /** The session ended, was revoked or lapsed (in the caller's transaction). */
  void sessionEnded(Session session);

  /** One gateway at a fixed address, managed elsewhere; tokens are not kept. */
  static Gateways fixed(String address) {
    return new Gateways() {
      public String addressFor(String projectId) {
        return address;
      }

      public void tokenIssued(Session session, String token, Instant expires) {}

      public void sessionEnded(Session session) {}
    };
  }
}
