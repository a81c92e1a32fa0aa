package jp.enclave.policies;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Who is asking, as the enclave asserted it in the session token: the user, their roles, their
 * organisation's certification, and the one project the session was issued for.
 */
public record Subject(
    String userId,
    Set<String> roles,
    String organisationId,
    String certificationType,
    Instant certifiedUntil,
    String projectId) {

  public Subject {
    Objects.requireNonNull(userId, "userId");
    roles = Set.copyOf(roles);
    Objects.requireNonNull(organisationId, "organisationId");
    Objects.requireNonNull(certificationType, "certificationType");
    Objects.requireNonNull(certifiedUntil, "certifiedUntil");
    Objects.requireNonNull(projectId, "projectId");
  }
}
