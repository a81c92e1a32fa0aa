package jp.enclave.checker.provenance;

import java.util.Map;
import java.util.Optional;

/**
 * Where the checker looks up the queries an export item cites. The query gateway's audit trail
 * implements it in production; this module never depends on the gateway.
 */
public interface CitedQueries {
  Optional<CitedQuery> find(String queryId);

  static CitedQueries none() {
    return id -> Optional.empty();
  }

  static CitedQueries of(Map<String, CitedQuery> byId) {
    Map<String, CitedQuery> copy = Map.copyOf(byId);
    return id -> Optional.ofNullable(copy.get(id));
  }
}
