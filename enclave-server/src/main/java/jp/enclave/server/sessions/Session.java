package jp.enclave.server.sessions;

import java.time.Instant;

/** One user's session on one project. {@code endReason}/{@code endedBy} are set once it ends or is revoked. */
public record Session(String id, String projectId, String subject, SessionKind kind, SessionState state,
    Instant bookedAt, Instant openedAt, Instant endedAt, String endedBy, String endReason, long version) {

  Session moved(SessionState to, Instant at, String by, String reason) {
    boolean opening = to == SessionState.OPEN && openedAt == null;
    boolean ending = to == SessionState.ENDED || to == SessionState.REVOKED;
    return new Session(id, projectId, subject, kind, to, bookedAt, opening ? at : openedAt,
        ending ? at : endedAt, ending ? by : endedBy, ending ? reason : endReason, version);
  }
}
