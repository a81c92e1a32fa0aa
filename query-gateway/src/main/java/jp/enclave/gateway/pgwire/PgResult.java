package jp.enclave.gateway.pgwire;

import java.io.IOException;
import java.util.List;
import jp.enclave.gateway.core.Gateway;
import jp.enclave.gateway.core.PlannedQuery;
import jp.enclave.gateway.core.RunningQuery;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * What a statement produces on the wire: a command tag only (BEGIN, SET), a fixed set of rows
 * (chatter, catalog answers) or a query running in DuckDB, sent in pieces when a portal has a
 * row limit. {@link #send} writes DataRows and says whether rows remain (PortalSuspended).
 */
abstract class PgResult implements AutoCloseable {
  /** The columns, or null for a command without rows (NoData). */
  abstract List<PgTypes.Column> columns();

  /** Writes up to {@code maxRows} rows (0: all); true if rows remain. */
  abstract boolean send(PgWriter out, short[] formats, long maxRows) throws IOException;

  /** The CommandComplete tag once every row was sent. */
  abstract String tag();

  @Override
  public void close() {}

  static void row(PgWriter out, List<PgTypes.Column> columns, short[] formats, Object[] values) throws IOException {
    out.begin('D').int16(values.length);
    for (int i = 0; i < values.length; i++) {
      PgTypes.Type t = columns.get(i).type();
      out.value(PgTypes.format(formats, i) == 1 ? PgTypes.binary(t, values[i]) : PgTypes.text(t, values[i]));
    }
    out.end();
  }

  /** A utility command's tag. */
  static PgResult command(String tag) {
    return new PgResult() {
      @Override
      List<PgTypes.Column> columns() {
        return null;
      }

      @Override
      boolean send(PgWriter out, short[] formats, long maxRows) {
        return false;
      }

      @Override
      String tag() {
        return tag;
      }
    };
  }

  /** Rows held in memory (answers the gateway computes itself: settings, catalog). */
  static final class Fixed extends PgResult {
    private final List<PgTypes.Column> columns;
    private final List<Object[]> rows;
    private final String tagPrefix;
    private int next;

    Fixed(List<PgTypes.Column> columns, List<Object[]> rows, String tagPrefix) {
      this.columns = columns;
      this.rows = rows;
      this.tagPrefix = tagPrefix;
    }

    Fixed(List<PgTypes.Column> columns, List<Object[]> rows) {
      this(columns, rows, "SELECT");
    }

    @Override
    List<PgTypes.Column> columns() {
      return columns;
    }

    @Override
    boolean send(PgWriter out, short[] formats, long maxRows) throws IOException {
      long sent = 0;
      while (next < rows.size() && (maxRows <= 0 || sent < maxRows)) {
        row(out, columns, formats, rows.get(next++));
        sent++;
      }
      return next < rows.size();
    }

    @Override
    String tag() {
      return tagPrefix + " " + next;
    }
  }

  /**
   * A planned query: executed in the researcher's worker when first described or sent, read
   * batch by batch; the core audits its end when it is closed (completed or closed early).
   */
  static final class Query extends PgResult {
    private final Gateway gateway;
    private final PlannedQuery plan;
    private final BufferAllocator allocator;
    private final java.util.function.Consumer<RunningQuery> running;
    private final java.util.function.Supplier<Gateway.Cancel> cancel;
    private RunningQuery query;
    private List<PgTypes.Column> columns;
    private int rowInBatch;
    private int batchRows;
    private boolean done;
    private boolean closed;
    private long total;
    private String tagPrefix = "SELECT";

    Query(Gateway gateway, PlannedQuery plan, BufferAllocator allocator, java.util.function.Consumer<RunningQuery> running,
        java.util.function.Supplier<Gateway.Cancel> cancel) {
      this.cancel = cancel;
      this.gateway = gateway;
      this.plan = plan;
      this.allocator = allocator;
      this.running = running;
    }

    PlannedQuery plan() {
      return plan;
    }

    /** FETCH reports its own tag. */
    Query tagged(String prefix) {
      this.tagPrefix = prefix;
      return this;
    }

    private void start() {
      if (query == null) {
        query = gateway.execute(plan, allocator, cancel.get());
        running.accept(query);
        columns = new java.util.ArrayList<>();
        for (FieldVector v : query.root().getFieldVectors()) {
          columns.add(PgTypes.ofArrow(v.getName(), v.getField().getType()));
        }
      }
    }

    @Override
    List<PgTypes.Column> columns() {
      start();
      return columns;
    }

    @Override
    boolean send(PgWriter out, short[] formats, long maxRows) throws IOException {
      start();
      long sent = 0;
      int width = columns.size();
      while (!done && (maxRows <= 0 || sent < maxRows)) {
        if (rowInBatch >= batchRows) {
          if (!query.next()) {
            done = true;
            break;
          }
          rowInBatch = 0;
          batchRows = query.root().getRowCount();
          continue;
        }
        VectorSchemaRoot root = query.root();
        out.begin('D').int16(width);
        for (int c = 0; c < width; c++) {
          Object v = PgTypes.value(root.getVector(c), rowInBatch);
          PgTypes.Type t = columns.get(c).type();
          out.value(PgTypes.format(formats, c) == 1 ? PgTypes.binary(t, v) : PgTypes.text(t, v));
        }
        out.end();
        rowInBatch++;
        sent++;
        total++;
      }
      if (done) {
        close();
      }
      return !done;
    }

    /** Rows sent by this portal so far. */
    long total() {
      return total;
    }

    @Override
    String tag() {
      return tagPrefix + " " + total;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      done = true;
      if (query != null) {
        query.close();
        running.accept(null);
      } else {
        gateway.unclaimed(plan, "its PostgreSQL portal was closed before it ran");
      }
    }
  }
}
