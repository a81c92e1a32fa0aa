package jp.enclave.checker.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A release history held in memory, for tests and for a checker embedded in a server. */
public final class InMemoryReleaseHistory implements ReleaseHistory {
  private final Map<String, List<ReleasedTable>> byProject = new ConcurrentHashMap<>();

  public void add(String projectId, ReleasedTable table) {
    byProject.computeIfAbsent(projectId, p -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(table);
  }

  @Override
  public List<ReleasedTable> released(String projectId) {
    return new ArrayList<>(byProject.getOrDefault(projectId, List.of()));
  }
}
