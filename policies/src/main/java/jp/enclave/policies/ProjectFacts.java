package jp.enclave.policies;

import java.time.Instant;
import java.util.Objects;

/** What the project's approval says, as far as the policies need it. */
public record ProjectFacts(String projectId, Instant approvedUntil, boolean freeTextOnsite) {
  public ProjectFacts {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(approvedUntil, "approvedUntil");
  }
}
