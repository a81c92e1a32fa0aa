package jp.enclave.server.registry;

import java.util.Arrays;

/** A certified user's type under the Act: Type I hold data themselves, Type II work only in the enclave. */
public enum CertificationType {
  TYPE_I("type1"),
  TYPE_II("type2");

  private final String wire;

  CertificationType(String wire) {
    this.wire = wire;
  }

  /** The name the policies and the session token use. */
  public String wire() {
    return wire;
  }

  public static CertificationType parse(String s) {
    return Arrays.stream(values()).filter(t -> t.wire.equals(s) || t.name().equals(s)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("certification type must be type1 or type2, is '" + s + "'"));
  }
}
