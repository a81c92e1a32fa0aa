package jp.enclave.checker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import jp.enclave.checker.provenance.CitedQueries;
import jp.enclave.checker.provenance.CitedQuery;

/**
 * Cited queries from a JSON export of the gateway's audit trail, for the CLI:
 * {@code {"q-17": {"project_id": "P1", "user": "u1", "sql": "SELECT …"}}}.
 */
final class FileCitedQueries implements CitedQueries {
  private final Map<String, CitedQuery> byId = new HashMap<>();

  FileCitedQueries(Path file) throws IOException {
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    if (root == null || !root.isObject()) {
      throw new IOException("the queries file must be a JSON object keyed by query ID");
    }
    var it = root.fields();
    while (it.hasNext()) {
      var e = it.next();
      JsonNode q = e.getValue();
      if (!q.hasNonNull("project_id") || !q.hasNonNull("sql")) {
        throw new IOException("query " + e.getKey() + " needs project_id and sql");
      }
      byId.put(e.getKey(), new CitedQuery(e.getKey(), q.get("project_id").asText(), q.path("user").asText(""),
          q.get("sql").asText()));
    }
  }

  @Override
  public Optional<CitedQuery> find(String queryId) {
    return Optional.ofNullable(byId.get(queryId));
  }
}
