package jp.enclave.gateway.core;

import java.time.Instant;
import java.util.Objects;
import jp.enclave.policies.Subject;

/**
 * One researcher's session as the enclave issued it: bound to one user, one project and one
 * session kind. Front ends build it from a verified token; the core never sees the token.
 */
public record GatewaySession(String sessionId, Subject subject, SessionKind kind, Instant expiresAt) {
  /** Where the researcher sits. */
  public enum SessionKind {
    REMOTE, ONSITE;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static SessionKind parse(String s) {
      return switch (s) {
        case "remote" -> REMOTE;
        case "onsite" -> ONSITE;
        default -> throw new IllegalArgumentException("unknown session kind " + s);
      };
    }
  }

  public GatewaySession {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  public String userId() {
    return subject.userId();
  }

  public String projectId() {
    return subject.projectId();
  }
}
