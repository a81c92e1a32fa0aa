package jp.enclave.server.security;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Alerts; one per rule, subject and window (the key makes raising idempotent). */
public interface AlertStore {
  Optional<Alert> find(String id);

  boolean exists(String rule, String subject, Instant windowStart);

  List<Alert> recent(int limit);

  long openCount();

  void insert(Alert a);

  void update(Alert a);
}
