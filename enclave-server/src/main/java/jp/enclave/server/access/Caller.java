package jp.enclave.server.access;

import java.util.Objects;
import java.util.Set;

/** Who makes a request: the identity provider's subject, display name and realm roles. */
public record Caller(String subject, String name, Set<String> roles) {
  public Caller {
    Objects.requireNonNull(subject, "subject");
    name = name == null ? subject : name;
    roles = Set.copyOf(roles);
  }

  /** The server itself (lapse sweeps, migrations): never a person. */
  public static final Caller SYSTEM = new Caller("system", "enclave-server", Set.of());
}
