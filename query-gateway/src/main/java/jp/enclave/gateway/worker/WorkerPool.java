package jp.enclave.gateway.worker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * One execution worker per researcher, up to a maximum, so a query that makes its worker die (the
 * memory cap, a runaway the worker gives up on) takes down only that researcher's queries. Past
 * the maximum, a new researcher shares the worker with the fewest researchers. Workers start
 * when their first researcher queries and stop with the gateway.
 */
public final class WorkerPool implements AutoCloseable {
  private final Path database;
  private final Path dir;
  private final ExecutionWorker.Settings settings;
  private final int maxWorkers;
  private final BiConsumer<String, Map<String, Object>> events;
  private final List<ExecutionWorker> workers = new ArrayList<>();
  private final Map<ExecutionWorker, Integer> usersOf = new HashMap<>();
  private final Map<String, ExecutionWorker> byUser = new HashMap<>();
  private boolean closed;

  public WorkerPool(Path database, Path dir, ExecutionWorker.Settings settings, int maxWorkers,
      BiConsumer<String, Map<String, Object>> events) {
    if (maxWorkers < 1) {
      throw new IllegalArgumentException("at least one worker");
    }
    this.database = database;
    this.dir = dir;
    this.settings = settings;
    this.maxWorkers = maxWorkers;
    this.events = events;
  }

  /** The worker that runs {@code user}'s queries, started on first use. */
  public synchronized ExecutionWorker forUser(String user) {
    if (closed) {
      throw new IllegalStateException("the gateway is closing");
    }
    ExecutionWorker w = byUser.get(user);
    if (w != null) {
      return w;
    }
    if (workers.size() < maxWorkers) {
      w = ExecutionWorker.start(database, dir, workers.size() + 1, settings, events);
      workers.add(w);
      usersOf.put(w, 0);
    } else {
      w = workers.stream().min(java.util.Comparator.comparingInt(usersOf::get)).orElseThrow();
    }
    usersOf.merge(w, 1, Integer::sum);
    byUser.put(user, w);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("worker", w.id());
    data.put("user", user);
    data.put("sharedWith", usersOf.get(w) - 1);
    events.accept("worker.assigned", data);
    return w;
  }

  /** What caps each worker's memory (the same mechanism for all), or that none has started yet. */
  public synchronized String capDescription() {
    return workers.isEmpty() ? MemoryCap.detectDescription(settings.capBytes()) : workers.get(0).capDescription();
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (ExecutionWorker w : workers) {
      w.close();
    }
  }
}
