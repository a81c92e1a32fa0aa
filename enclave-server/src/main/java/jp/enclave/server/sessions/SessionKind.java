package jp.enclave.server.sessions;

import java.util.Arrays;

/** Where a session runs: a remote VDI desktop, or a terminal in the onsite room. */
public enum SessionKind {
  REMOTE("remote"),
  ONSITE("onsite");

  private final String wire;

  SessionKind(String wire) {
    this.wire = wire;
  }

  /** The name in policies and the gateway's session token. */
  public String wire() {
    return wire;
  }

  public static SessionKind parse(String s) {
    return Arrays.stream(values()).filter(k -> k.wire.equals(s)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("session kind must be remote or onsite, is '" + s + "'"));
  }
}
