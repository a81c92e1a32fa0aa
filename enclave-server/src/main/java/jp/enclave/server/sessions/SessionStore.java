package jp.enclave.server.sessions;

import java.util.List;
import java.util.Optional;

/** Sessions' persistence; {@code update} refuses a stale version and joins the caller's transaction. */
public interface SessionStore {
  Optional<Session> find(String id);

  List<Session> ofSubject(String subject);

  List<Session> all();

  /** Booked and open sessions (the lapse sweep's work list). */
  List<Session> active();

  void insert(Session s);

  void update(Session s);
}
