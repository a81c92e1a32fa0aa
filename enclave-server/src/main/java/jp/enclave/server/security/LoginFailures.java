package jp.enclave.server.security;

import java.time.Instant;
import java.util.List;

/** Failed logins at the identity provider since a time (Keycloak's LOGIN_ERROR events). */
public interface LoginFailures {
  record Failure(Instant at, String account, String error, String ipAddress) {}

  /** The failures since {@code from}; throws {@link IllegalStateException} with a reason when the provider cannot be read. */
  List<Failure> since(Instant from);
}
