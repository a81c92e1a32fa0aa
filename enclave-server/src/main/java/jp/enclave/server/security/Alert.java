package jp.enclave.server.security;

import java.time.Instant;

/** A crossed threshold, open until an auditor acknowledges it (with a note). */
public record Alert(String id, String rule, String subject, Instant windowStart, long observed, long threshold,
    String detail, Instant raisedAt, String acknowledgedBy, Instant acknowledgedAt, String note, long version) {
  public boolean open() {
    return acknowledgedAt == null;
  }
}
