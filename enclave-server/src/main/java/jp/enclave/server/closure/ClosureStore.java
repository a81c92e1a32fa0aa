package jp.enclave.server.closure;

import java.util.List;
import java.util.Optional;

/** The closures' persistence; joins the caller's transaction. */
public interface ClosureStore {
  Optional<Closure> find(String projectId);

  List<Closure> all();

  void insert(Closure c);

  /** Refuses a stale update (the row's version moved on). */
  void update(Closure c);
}
