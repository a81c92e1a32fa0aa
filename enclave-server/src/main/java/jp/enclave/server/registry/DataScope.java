package jp.enclave.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the shape of a project's data scope (the pseudonymizer's project spec JSON) when the
 * steward records it: an object naming the project and at least one table with its columns. The
 * pseudonymizer checks tables and columns against its store when it provisions.
 */
public final class DataScope {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DataScope() {}

  /** Every problem of {@code json} as the scope of {@code projectId}; empty when it is acceptable. */
  public static List<String> problems(String projectId, String json) {
    List<String> out = new ArrayList<>();
    if (json == null || json.isBlank()) {
      out.add("dataScope: the project spec JSON is required");
      return out;
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      out.add("dataScope: not JSON (" + e.getOriginalMessage() + ")");
      return out;
    }
    if (root == null || !root.isObject()) {
      out.add("dataScope: must be a JSON object");
      return out;
    }
    if (!projectId.equals(root.path("projectId").asText(null))) {
      out.add("dataScope.projectId must be '" + projectId + "'");
    }
    JsonNode tables = root.path("tables");
    if (!tables.isObject() || tables.isEmpty()) {
      out.add("dataScope.tables: at least one table with its columns");
    } else {
      tables.fields().forEachRemaining(t -> {
        if (!t.getValue().isArray() || t.getValue().isEmpty()) {
          out.add("dataScope.tables." + t.getKey() + ": list the columns, or [\"*\"] for all");
        }
      });
    }
    return out;
  }
}
