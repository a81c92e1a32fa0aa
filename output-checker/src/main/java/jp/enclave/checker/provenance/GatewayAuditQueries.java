package jp.enclave.checker.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import jp.enclave.audit.AuditVerifier;

/**
 * The queries a gateway's audit trail proves were run: {@code query.accepted} gives the project,
 * user and the DuckDB SQL that ran; only queries whose {@code query.finished} says
 * {@code completed} can be cited (a failed or cancelled query produced no result). The trail's
 * hash chain is verified first: a researcher cannot cite a query slipped into an altered trail.
 */
public final class GatewayAuditQueries implements CitedQueries {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, CitedQuery> completed;

  private GatewayAuditQueries(Map<String, CitedQuery> completed) {
    this.completed = Map.copyOf(completed);
  }

  /** Reads a gateway audit trail; fails with the first broken entry if the chain does not hold. */
  public static GatewayAuditQueries load(Path trail) {
    AuditVerifier.Result chain = AuditVerifier.verify(trail);
    if (!chain.ok()) {
      throw new IllegalArgumentException("gateway audit trail " + trail + " is broken at entry " + chain.brokenAt()
          + " (" + chain.problem() + "): its queries cannot be cited");
    }
    Map<String, CitedQuery> accepted = new HashMap<>();
    Set<String> finished = new HashSet<>();
    try (BufferedReader in = Files.newBufferedReader(trail, StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        JsonNode entry = JSON.readTree(line);
        JsonNode data = entry.path("data");
        String id = data.path("queryId").asText(null);
        if (id == null) {
          continue;
        }
        switch (entry.path("event").asText()) {
          case "query.accepted" -> accepted.put(id, new CitedQuery(id, data.path("project").asText(),
              data.path("user").asText(), data.path("duckdbSql").asText()));
          case "query.finished" -> {
            if ("completed".equals(data.path("outcome").asText())) {
              finished.add(id);
            }
          }
          default -> { }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read gateway audit trail " + trail, e);
    }
    accepted.keySet().retainAll(finished);
    return new GatewayAuditQueries(accepted);
  }

  @Override
  public Optional<CitedQuery> find(String queryId) {
    return Optional.ofNullable(completed.get(queryId));
  }

  public int size() {
    return completed.size();
  }
}
