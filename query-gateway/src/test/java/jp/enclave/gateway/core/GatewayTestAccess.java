package jp.enclave.gateway.core;

/** Test-only door to the gateway's package-private raw connection, for baseline comparisons. */
public final class GatewayTestAccess {
  private GatewayTestAccess() {}

  public static java.sql.Connection raw(Gateway gateway) {
    return gateway.rawConnectionForTests();
  }
}
