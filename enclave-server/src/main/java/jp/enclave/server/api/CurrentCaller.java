package jp.enclave.server.api;

import jakarta.enterprise.context.RequestScoped;
import jp.enclave.server.access.Caller;
import jp.enclave.server.access.Refusals;

/** The API caller of this request, set by {@link BearerAuthentication}. */
@RequestScoped
public class CurrentCaller {
  private Caller caller;

  void set(Caller c) {
    this.caller = c;
  }

  /** The caller when the request carried a valid token (refusals made before any resource ran are audited with it). */
  public java.util.Optional<Caller> known() {
    return java.util.Optional.ofNullable(caller);
  }

  public Caller get() {
    if (caller == null) {
      throw Refusals.unauthenticated("send Authorization: Bearer <access token from the enclave's identity provider>");
    }
    return caller;
  }
}
