package jp.enclave.gateway.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;

/**
 * The execution worker: a separate process that holds the only DuckDB instance over the extract
 * and runs the gateway's checked DuckDB text, one query per Unix-socket connection, answering with
 * an Arrow IPC stream. It lives under an operating-system memory cap, so a query that makes DuckDB
 * grow past what its buffer manager tracks (string and list growth, huge constants) is killed by
 * the kernel with the worker, not with the gateway.
 *
 * <p>DuckDB does not always stop on a cancel (constant folding of a huge expression ignores it):
 * when a query is cancelled (the gateway closed its connection, or the worker's own time limit
 * passed) and has not stopped after the grace period, the worker exits at once and the gateway
 * starts a new one. It also exits when the gateway goes away (its standard input closes), so no
 * orphan keeps the plaintext extract open.
 *
 * <p>Wire format, per connection: the request is a 4-byte length and a UTF-8 JSON object
 * {@code {"kind": "query"|"explain", "sql", "batchRows", "timeoutMs"}}; the answer is one byte,
 * {@code 'R'} followed by an Arrow IPC stream (a query), {@code 'J'} followed by a 4-byte length
 * and DuckDB's JSON plan (an explain, planned on the {@link PlanningDatabase}), or {@code 'E'}
 * followed by a 4-byte length and a UTF-8 message.
 */
public final class WorkerMain {
  /** Exit code when a cancelled query would not stop: the gateway reports it as a runaway query. */
  public static final int EXIT_RUNAWAY = 70;
  static final int MAX_REQUEST_BYTES = 1 << 20;

  private final ExtractDatabase database;
  private final PlanningDatabase planning;
  private final long graceMillis;
  private final BufferAllocator allocator = new RootAllocator();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "worker-timer"));
  private final ExecutorService connections = Executors.newCachedThreadPool(r -> daemon(r, "worker-query"));

  private WorkerMain(ExtractDatabase database, PlanningDatabase planning, long graceMillis) {
    this.database = database;
    this.planning = planning;
    this.graceMillis = graceMillis;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Arguments: database socket memoryLimit threads poolSize graceMillis. */
  /** Set by the gateway when this worker's java.io.tmpdir is a folder of its own. */
  static final String PRIVATE_TMP = "enclave.worker.private-tmp";

  /**
   * Unlinks the native library DuckDB's driver unpacked into this worker's own temporary folder:
   * loaded, it stays mapped until the process ends however it ends, and nothing is left on disk.
   */
  static void forgetUnpackedLibraries() throws IOException {
    if (!Boolean.getBoolean(PRIVATE_TMP)) {
      return;
    }
    try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("libduckdb_java")).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Path databaseFile = Path.of(args[0]);
    Path socket = Path.of(args[1]);
    ExtractDatabase db = ExtractDatabase.open(databaseFile, databaseFile.resolveSibling("spill"), args[2],
        Integer.parseInt(args[3]), Integer.parseInt(args[4]));
    WorkerMain worker = new WorkerMain(db, PlanningDatabase.of(db.rootConnection()), Long.parseLong(args[5]));
    forgetUnpackedLibraries();
    Thread parentWatch = daemon(() -> {
      try {
        while (System.in.read() >= 0) {
          // The gateway writes nothing; end of input means it is gone.
        }
      } catch (IOException e) {
        // Same as end of input.
      }
      Runtime.getRuntime().halt(0);
    }, "worker-parent-watch");
    parentWatch.start();
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      System.out.println("ready");
      System.out.flush();
      while (true) {
        SocketChannel ch = server.accept();
        worker.connections.execute(() -> worker.serve(ch));
      }
    }
  }

  private void serve(SocketChannel ch) {
    AtomicBoolean cancelled = new AtomicBoolean();
    AtomicBoolean running = new AtomicBoolean(true);
    Statement[] statement = new Statement[1];
    try (ch) {
      JsonNode request = new ObjectMapper().readTree(readFrame(ch));
      String sql = request.path("sql").asText();
      long batchRows = request.path("batchRows").asLong(65_536);
      long timeoutMs = request.path("timeoutMs").asLong(600_000);
      Runnable stop = () -> {
        if (cancelled.compareAndSet(false, true)) {
          try {
            Statement s = statement[0];
            if (s != null) {
              s.cancel();
            }
          } catch (SQLException e) {
            // Finished meanwhile.
          }
          timer.schedule(() -> {
            if (running.get()) {
              System.err.println("a cancelled query did not stop within " + graceMillis + " ms; exiting");
              Runtime.getRuntime().halt(EXIT_RUNAWAY);
            }
          }, graceMillis, TimeUnit.MILLISECONDS);
        }
      };
      // The gateway never writes after its request: end of input is its cancel.
      Thread watch = daemon(() -> {
        try {
          ByteBuffer one = ByteBuffer.allocate(1);
          while (ch.read(one) >= 0) {
            one.clear();
          }
        } catch (IOException e) {
          // Closed: same as a cancel.
        }
        if (running.get()) {
          stop.run();
        }
      }, "worker-cancel-watch");
      watch.start();
      var deadline = timer.schedule(stop, timeoutMs, TimeUnit.MILLISECONDS);
      try {
        if (request.path("kind").asText("query").equals("explain")) {
          explain(ch, sql, statement, cancelled);
        } else {
          run(ch, sql, batchRows, statement, cancelled);
        }
      } finally {
        running.set(false);
        deadline.cancel(false);
      }
    } catch (IOException | RuntimeException e) {
      // The gateway went away or sent garbage: nothing to answer.
    } finally {
      running.set(false);
    }
  }

  private void run(SocketChannel ch, String sql, long batchRows, Statement[] statement, AtomicBoolean cancelled)
      throws IOException {
    DuckDBConnection conn;
    try {
      conn = database.borrow();
    } catch (SQLException e) {
      writeError(ch, e.getMessage());
      return;
    }
    boolean healthy = false;
    try (Statement s = conn.createStatement()) {
      statement[0] = s;
      ResultSet rs;
      try {
        rs = s.executeQuery(sql);
      } catch (SQLException e) {
        if (!cancelled.get()) {
          writeError(ch, e.getMessage());
        }
        return;
      }
      try (rs; ArrowReader reader = (ArrowReader) rs.unwrap(DuckDBResultSet.class).arrowExportStream(allocator, batchRows)) {
        ch.write(ByteBuffer.wrap(new byte[] {'R'}));
        try (ArrowStreamWriter writer = new ArrowStreamWriter(reader.getVectorSchemaRoot(), null, ch)) {
          writer.start();
          while (!cancelled.get() && reader.loadNextBatch()) {
            writer.writeBatch();
          }
          writer.end();
        }
      }
      healthy = !cancelled.get();
    } catch (SQLException e) {
      if (!cancelled.get()) {
        writeError(ch, e.getMessage());
      }
    } finally {
      database.release(conn, healthy);
    }
  }

  private void explain(SocketChannel ch, String sql, Statement[] statement, AtomicBoolean cancelled) throws IOException {
    StringBuilder plan = new StringBuilder();
    // One planning connection, used by one query at a time: plans take milliseconds.
    synchronized (planning) {
      try (Statement s = planning.connection().createStatement()) {
        statement[0] = s;
        try (ResultSet rs = s.executeQuery("EXPLAIN (FORMAT JSON) " + sql)) {
          while (rs.next()) {
            plan.append(rs.getString(2));
          }
        }
      } catch (SQLException e) {
        if (!cancelled.get()) {
          writeError(ch, e.getMessage());
        }
        return;
      }
    }
    ch.write(ByteBuffer.wrap(new byte[] {'J'}));
    writeFrame(ch, plan.toString().getBytes(StandardCharsets.UTF_8));
  }

  static byte[] readFrame(SocketChannel ch) throws IOException {
    ByteBuffer len = ByteBuffer.allocate(4);
    readFully(ch, len);
    int n = len.flip().getInt();
    if (n < 0 || n > MAX_REQUEST_BYTES) {
      throw new IOException("frame of " + n + " bytes");
    }
    ByteBuffer body = ByteBuffer.allocate(n);
    readFully(ch, body);
    return body.array();
  }

  static void readFully(SocketChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        throw new IOException("connection closed");
      }
    }
  }

  static void writeFrame(SocketChannel ch, byte[] body) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body);
    b.flip();
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private static void writeError(SocketChannel ch, String message) throws IOException {
    ch.write(ByteBuffer.wrap(new byte[] {'E'}));
    writeFrame(ch, String.valueOf(message).getBytes(StandardCharsets.UTF_8));
  }
}
