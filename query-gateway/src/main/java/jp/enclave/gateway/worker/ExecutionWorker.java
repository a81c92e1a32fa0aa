package jp.enclave.gateway.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;

/**
 * The gateway's side of the execution worker ({@link WorkerMain}): starts it under a memory cap,
 * opens one connection per query, and starts a new worker whenever the old one dies (a runaway
 * query it gave up on, the kernel's memory cap, a crash). Each start and death is reported to the
 * gateway's audit trail. Queries that were running in a dead worker fail with the reason.
 */
public final class ExecutionWorker implements AutoCloseable {
  /** Why a query's worker went away, when it did. */
  public enum Death { NONE, MEMORY_CAP, RUNAWAY, CRASH }

  /** Settings of the worker process. */
  public record Settings(String memoryLimit, long capBytes, int threads, int poolSize, Duration grace, Duration startTimeout) {}

  private final Path database;
  private final Path dir;
  private final int id;
  private final Settings settings;
  private final BiConsumer<String, Map<String, Object>> events;
  private final Object lock = new Object();
  private Process process;
  private MemoryCap cap;
  private Path socket;
  private Path tmp;
  private int generation;
  private Death lastDeath = Death.NONE;
  private boolean closed;

  private ExecutionWorker(Path database, Path dir, int id, Settings settings, BiConsumer<String, Map<String, Object>> events) {
    this.database = database;
    this.dir = dir;
    this.id = id;
    this.settings = settings;
    this.events = events;
  }

  /** Starts the worker on {@code database} (a decrypted extract in private scratch {@code dir}). */
  public static ExecutionWorker start(Path database, Path dir, int id, Settings settings,
      BiConsumer<String, Map<String, Object>> events) {
    ExecutionWorker w = new ExecutionWorker(database, dir, id, settings, events);
    synchronized (w.lock) {
      w.launch("start");
    }
    return w;
  }

  /** This worker's number in its pool. */
  public int id() {
    return id;
  }

  /** The memory cap in force, for the gateway's start-up record. */
  public String capDescription() {
    synchronized (lock) {
      return cap.describe();
    }
  }

  private void launch(String why) {
    generation++;
    cap = MemoryCap.detect(settings.capBytes());
    socket = dir.resolve("worker-" + id + "-" + generation + ".sock");
    Path tmp = privateTmp();
    this.tmp = tmp;
    List<String> java = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse("java"),
        // Small, fixed JVM reservations: under an address-space cap they count like memory.
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:CompressedClassSpaceSize=64m", "-XX:ReservedCodeCacheSize=64m",
        "-XX:MaxMetaspaceSize=128m",
        // DuckDB's driver unpacks its 69 MB native library into java.io.tmpdir at every start and
        // only deletes it at an orderly exit, which a worker never has (halted, killed): a folder
        // of the worker's own, emptied by the worker once loaded and removed when it ends.
        "-Djava.io.tmpdir=" + tmp, "-D" + WorkerMain.PRIVATE_TMP + "=true",
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"),
        WorkerMain.class.getName(),
        database.toString(), socket.toString(), settings.memoryLimit(),
        Integer.toString(settings.threads()), Integer.toString(settings.poolSize()),
        Long.toString(settings.grace().toMillis())));
    ProcessBuilder pb = new ProcessBuilder(cap.wrap(java)).redirectError(ProcessBuilder.Redirect.INHERIT);
    // Few malloc arenas: the address-space cap counts their reservations.
    pb.environment().put("MALLOC_ARENA_MAX", "2");
    try {
      process = pb.start();
    } catch (IOException e) {
      removeTree(tmp);
      throw new IllegalStateException("cannot start the execution worker: " + e.getMessage(), e);
    }
    process.onExit().thenRun(() -> removeTree(tmp));
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = readLineWithin(out, settings.startTimeout());
      if (!"ready".equals(line)) {
        process.destroyForcibly();
        throw new IllegalStateException("the execution worker did not start (" + line + ")");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the execution worker: " + e.getMessage(), e);
    }
    Process started = process;
    MemoryCap startedCap = cap;
    int startedGeneration = generation;
    started.onExit().thenRun(() -> died(started, startedCap, startedGeneration));
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("worker", id);
    data.put("generation", generation);
    data.put("pid", process.pid());
    data.put("memoryCap", cap.describe());
    data.put("why", why);
    events.accept("worker.started", data);
  }

  private static Path privateTmp() {
    try {
      return Files.createTempDirectory("enclave-worker-", java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the execution worker's temporary folder: " + e.getMessage(), e);
    }
  }

  private static void removeTree(Path root) {
    try (var files = Files.walk(root)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException e) {
      // Gone already, or unreadable: nothing more this worker can do about it.
    }
  }

  private static String readLineWithin(BufferedReader in, Duration timeout) throws IOException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (in.ready()) {
        return in.readLine();
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }
    return "no answer within " + timeout.toSeconds() + " s";
  }

  private void died(Process p, MemoryCap c, int gen) {
    Death death;
    int code = p.exitValue();
    if (c.exceeded()) {
      death = Death.MEMORY_CAP;
    } else if (code == WorkerMain.EXIT_RUNAWAY) {
      death = Death.RUNAWAY;
    } else {
      death = Death.CRASH;
    }
    c.release();
    synchronized (lock) {
      if (closed || gen != generation) {
        return;
      }
      lastDeath = death;
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("worker", id);
      data.put("generation", gen);
      data.put("exitCode", code);
      data.put("cause", death.name().toLowerCase(java.util.Locale.ROOT));
      events.accept("worker.died", data);
      try {
        Files.deleteIfExists(socket);
        launch("restart after " + death.name().toLowerCase(java.util.Locale.ROOT));
      } catch (RuntimeException | IOException e) {
        events.accept("worker.restart-failed", Map.of("message", String.valueOf(e.getMessage())));
      }
    }
  }

  /** Thrown when the worker refuses or fails the query before any result. */
  public static final class Failure extends Exception {
    private final Death death;

    Failure(String message, Death death) {
      super(message, null, false, false);
      this.death = death;
    }

    public Death death() {
      return death;
    }
  }

  /** One query in the worker; close it (or cancel it from any thread) to stop it there. */
  public final class Call implements AutoCloseable {
    private final SocketChannel channel;
    private final ArrowStreamReader reader;
    private final int generation;

    private Call(SocketChannel channel, ArrowStreamReader reader, int generation) {
      this.channel = channel;
      this.reader = reader;
      this.generation = generation;
    }

    public ArrowReader reader() {
      return reader;
    }

    /** Stops the query: the worker sees its connection close and cancels (or gives up and exits). */
    public void cancel() {
      try {
        channel.close();
      } catch (IOException e) {
        // Already closed.
      }
    }

    /** Why the worker that ran this call died, if it did. */
    public Death death() {
      return deathOf(generation);
    }

    @Override
    public void close() {
      try {
        reader.close();
      } catch (IOException | RuntimeException e) {
        // The stream was cut (cancel, a dead worker): nothing more to read.
      }
      cancel();
    }
  }

  private Death deathOf(int gen) {
    synchronized (lock) {
      return gen == generation ? Death.NONE : lastDeath;
    }
  }

  /**
   * DuckDB's JSON plan of {@code sql} from the worker's planning instance (no data, no optimizers).
   * {@code onConnected} receives a way to stop it, for the caller's time limit.
   */
  public String explain(String sql, Duration timeout, java.util.function.Consumer<Runnable> onConnected) throws Failure {
    Connected c = connect("explain", sql, 0, timeout, onConnected);
    try (SocketChannel ch = c.channel()) {
      return new String(WorkerMain.readFrame(ch), StandardCharsets.UTF_8);
    } catch (java.nio.channels.ClosedChannelException e) {
      throw new Failure("the query was stopped", Death.NONE);
    } catch (IOException e) {
      awaitDeathNoticed(c.generation());
      throw new Failure("the execution worker stopped", deathOf(c.generation()));
    }
  }

  /**
   * Sends {@code sql} to the worker; the answer is read batch by batch from the call's reader.
   * {@code onConnected} receives a way to stop the query as soon as it is sent, before its first
   * answer: the caller's time limit must be able to stop a query that is still planning.
   */
  public Call open(String sql, long batchRows, Duration timeout, BufferAllocator allocator,
      java.util.function.Consumer<Runnable> onConnected) throws Failure {
    Connected c = connect("query", sql, batchRows, timeout, onConnected);
    return new Call(c.channel(), new ArrowStreamReader(c.channel(), allocator), c.generation());
  }

  private record Connected(SocketChannel channel, int generation) {}

  /** Sends a request; returns the connection once the worker answered with a result, or throws its error. */
  private Connected connect(String kind, String sql, long batchRows, Duration timeout,
      java.util.function.Consumer<Runnable> onConnected) throws Failure {
    Path target;
    int gen;
    synchronized (lock) {
      if (closed) {
        throw new Failure("the gateway is closing", Death.NONE);
      }
      target = socket;
      gen = generation;
    }
    SocketChannel ch = null;
    try {
      ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      ch.connect(UnixDomainSocketAddress.of(target));
      SocketChannel connected = ch;
      onConnected.accept(() -> {
        try {
          connected.close();
        } catch (IOException e) {
          // Already closed.
        }
      });
      Map<String, Object> request = Map.of("kind", kind, "sql", sql, "batchRows", batchRows, "timeoutMs", timeout.toMillis());
      WorkerMain.writeFrame(ch, new ObjectMapper().writeValueAsBytes(request));
      ByteBuffer status = ByteBuffer.allocate(1);
      WorkerMain.readFully(ch, status);
      if (status.get(0) == 'E') {
        String message = new String(WorkerMain.readFrame(ch), StandardCharsets.UTF_8);
        ch.close();
        throw new Failure(message, Death.NONE);
      }
      return new Connected(ch, gen);
    } catch (java.nio.channels.ClosedChannelException e) {
      // Closed by the caller (its time limit, a cancel): the worker is fine.
      throw new Failure("the query was stopped", Death.NONE);
    } catch (IOException e) {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // Failing already.
        }
      }
      // The worker may have died under this query: give the exit a moment to be noticed.
      awaitDeathNoticed(gen);
      throw new Failure("the execution worker stopped", deathOf(gen));
    }
  }

  private void awaitDeathNoticed(int gen) {
    Process p;
    synchronized (lock) {
      p = gen == generation ? process : null;
    }
    if (p != null) {
      try {
        if (p.waitFor(500, TimeUnit.MILLISECONDS)) {
          Thread.sleep(50); // the exit handler records why
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Internal: the worker's pid, for tests that kill it. */
  public long pid() {
    synchronized (lock) {
      return process.pid();
    }
  }

  @Override
  public void close() {
    Process p;
    MemoryCap c;
    synchronized (lock) {
      closed = true;
      p = process;
      c = cap;
    }
    p.destroyForcibly();
    try {
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    c.release();
    // Here too, not only on exit: a gateway closing on its way out may not live to run that callback.
    Path t;
    synchronized (lock) {
      t = tmp;
    }
    removeTree(t);
  }
}
