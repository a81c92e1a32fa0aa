package jp.enclave.gateway.flight;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import jp.enclave.gateway.core.Gateway;
import jp.enclave.gateway.core.GatewayRefusal;
import jp.enclave.gateway.core.GatewaySession;
import jp.enclave.gateway.core.PlannedQuery;
import jp.enclave.gateway.core.ProjectCatalog;
import jp.enclave.gateway.core.Refusals;
import jp.enclave.gateway.core.RunningQuery;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlProducer;
import org.apache.arrow.flight.sql.NoOpFlightSqlProducer;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Arrow Flight SQL in front of the gateway core. GetFlightInfo plans (all checks, no execution)
 * and returns a ticket bound to the calling session, usable once and only until it expires; an
 * unknown, reused, expired or foreign ticket is NOT_FOUND. DoGet executes, sending a batch only
 * when the client is ready, stopping the query if the client cancels or goes away, with the
 * core's server-side time limit. Every stream gets its own child allocator, closed with it.
 * Updates, bulk ingest and parameter binding stay unimplemented (refused by the base class).
 */
public final class EnclaveFlightSqlProducer extends NoOpFlightSqlProducer implements AutoCloseable {
  private static final int MAX_HANDLES_PER_SESSION = 64;

  /** A planned query waiting for its one DoGet, or a prepared statement waiting to be executed. */
  private record Handle(String owner, PlannedQuery plan, Schema schema, Instant expires, boolean prepared) {}

  private final Gateway gateway;
  private final BearerTokenAuthenticator auth;
  private final BufferAllocator allocator;
  private final Clock clock;
  private final Map<ByteString, Handle> handles = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  EnclaveFlightSqlProducer(Gateway gateway, BearerTokenAuthenticator auth, BufferAllocator allocator, Clock clock) {
    this.gateway = gateway;
    this.auth = auth;
    this.allocator = allocator;
    this.clock = clock;
  }

  private GatewaySession session(CallContext context) {
    return auth.session(context.peerIdentity());
  }

  private Handle newHandle(CallContext context, String sql, boolean prepared) {
    GatewaySession session = session(context);
    sweep();
    long mine = handles.values().stream().filter(h -> h.owner().equals(context.peerIdentity())).count();
    if (mine >= MAX_HANDLES_PER_SESSION) {
      throw CallStatus.RESOURCE_EXHAUSTED.withDescription("GW-BUSY: this session holds " + mine
          + " unused tickets or prepared statements; use or close them first").toRuntimeException();
    }
    try {
      PlannedQuery plan = gateway.plan(session, sql);
      Schema schema = gateway.resultSchema(plan, allocator);
      return new Handle(context.peerIdentity(), plan, schema, clock.instant().plus(gateway.config().handleTtl()), prepared);
    } catch (GatewayRefusal r) {
      throw FlightErrors.toFlight(r);
    }
  }

  private ByteString store(Handle h) {
    byte[] id = new byte[16];
    random.nextBytes(id);
    ByteString key = ByteString.copyFrom(id);
    handles.put(key, h);
    return key;
  }

  private Handle claim(ByteString key, CallContext context, boolean remove, String what) {
    Handle h = remove ? handles.remove(key) : handles.get(key);
    if (h == null || !h.owner().equals(context.peerIdentity()) || h.expires().isBefore(clock.instant())) {
      if (h != null && !remove) {
        handles.remove(key);
      }
      if (h != null && !h.owner().equals(context.peerIdentity()) && remove) {
        handles.put(key, h);
      }
      gateway.auditEvent("handle.refused", Map.of("what", what, "caller", String.valueOf(context.peerIdentity())));
      throw FlightErrors.toFlight(Refusals.denyUnknownHandle(what));
    }
    return h;
  }

  private FlightInfo info(Handle h, FlightDescriptor descriptor) {
    ByteString ticketHandle = store(new Handle(h.owner(), h.plan(), h.schema(), h.expires(), false));
    Ticket ticket = new Ticket(Any.pack(FlightSql.TicketStatementQuery.newBuilder()
        .setStatementHandle(ticketHandle).build()).toByteArray());
    return new FlightInfo(h.schema(), descriptor, List.of(new FlightEndpoint(ticket)), -1, -1);
  }

  @Override
  public FlightInfo getFlightInfoStatement(FlightSql.CommandStatementQuery command, CallContext context,
      FlightDescriptor descriptor) {
    return info(newHandle(context, command.getQuery(), false), descriptor);
  }

  @Override
  public SchemaResult getSchemaStatement(FlightSql.CommandStatementQuery command, CallContext context,
      FlightDescriptor descriptor) {
    return new SchemaResult(newHandle(context, command.getQuery(), false).schema());
  }

  @Override
  public void createPreparedStatement(FlightSql.ActionCreatePreparedStatementRequest request, CallContext context,
      StreamListener<Result> listener) {
    try {
      Handle h = newHandle(context, request.getQuery(), true);
      ByteString key = store(h);
      FlightSql.ActionCreatePreparedStatementResult result = FlightSql.ActionCreatePreparedStatementResult.newBuilder()
          .setPreparedStatementHandle(key)
          .setDatasetSchema(ByteString.copyFrom(h.schema().serializeAsMessage()))
          .build();
      listener.onNext(new Result(Any.pack(result).toByteArray()));
      listener.onCompleted();
    } catch (FlightRuntimeException e) {
      listener.onError(e);
    }
  }

  @Override
  public FlightInfo getFlightInfoPreparedStatement(FlightSql.CommandPreparedStatementQuery command,
      CallContext context, FlightDescriptor descriptor) {
    Handle prepared = claim(command.getPreparedStatementHandle(), context, false, "prepared statement");
    // Each execution is planned, authorized and audited afresh under its own query ID.
    return info(newHandle(context, prepared.plan().originalSql(), false), descriptor);
  }

  @Override
  public void closePreparedStatement(FlightSql.ActionClosePreparedStatementRequest request, CallContext context,
      StreamListener<Result> listener) {
    Handle h = handles.get(request.getPreparedStatementHandle());
    if (h != null && h.prepared() && h.owner().equals(context.peerIdentity())) {
      handles.remove(request.getPreparedStatementHandle());
    }
    listener.onCompleted();
  }

  @Override
  public void getStreamStatement(FlightSql.TicketStatementQuery ticket, CallContext context,
      ServerStreamListener listener) {
    Handle h;
    try {
      h = claim(ticket.getStatementHandle(), context, true, "ticket");
      if (h.prepared()) {
        throw FlightErrors.toFlight(Refusals.denyUnknownHandle("ticket"));
      }
    } catch (FlightRuntimeException e) {
      listener.error(e);
      return;
    }
    stream(h.plan(), listener);
  }

  private void stream(PlannedQuery plan, ServerStreamListener listener) {
    long deadline = System.nanoTime() + gateway.config().queryTimeout().toNanos();
    // gRPC calls this when the client can take more; waiting on it instead of polling keeps the
    // next batch moving the moment the previous one has been written out.
    java.util.concurrent.Semaphore ready = new java.util.concurrent.Semaphore(0);
    listener.setOnReadyHandler(ready::release);
    try (BufferAllocator child = allocator.newChildAllocator("query-" + plan.queryId(), 0, Long.MAX_VALUE);
         RunningQuery query = gateway.execute(plan, child)) {
      listener.setOnCancelHandler(() -> {
        query.cancel();
        ready.release();
      });
      VectorSchemaRoot root = query.root();
      listener.start(root);
      while (query.next()) {
        while (!listener.isReady() && !listener.isCancelled()) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            query.cancel();
            throw Refusals.denyTimeout(gateway.config().queryTimeout());
          }
          ready.drainPermits();
          if (!listener.isReady()) {
            ready.tryAcquire(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
          }
        }
        if (listener.isCancelled()) {
          query.cancel();
          return;
        }
        listener.putNext();
      }
      listener.completed();
    } catch (GatewayRefusal r) {
      if (!listener.isCancelled()) {
        listener.error(FlightErrors.toFlight(r));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      listener.error(FlightErrors.toFlight(Refusals.denyCancelled()));
    } catch (RuntimeException e) {
      gateway.auditEvent("query.stream-failed", Map.of("queryId", plan.queryId(), "error", e.getClass().getName()));
      if (!listener.isCancelled()) {
        listener.error(FlightErrors.toFlight(Refusals.denyInternal(plan.queryId())));
      }
    }
  }

  /** What a client may ask before querying: a read-only SQL server without transactions or DDL. */
  private static final org.apache.arrow.flight.sql.SqlInfoBuilder SQL_INFO = new org.apache.arrow.flight.sql.SqlInfoBuilder()
      .withFlightSqlServerName("enclave query gateway")
      .withFlightSqlServerVersion(String.valueOf(EnclaveFlightSqlProducer.class.getPackage().getImplementationVersion()))
      .withFlightSqlServerArrowVersion(String.valueOf(VectorSchemaRoot.class.getPackage().getImplementationVersion()))
      .withFlightSqlServerReadOnly(true)
      .withFlightSqlServerSql(true)
      .withFlightSqlServerSubstrait(false)
      .withFlightSqlServerTransaction(FlightSql.SqlSupportedTransaction.SQL_SUPPORTED_TRANSACTION_NONE)
      .withFlightSqlServerCancel(false)
      .withSqlTransactionsSupported(false)
      .withSqlDefaultTransactionIsolation(java.sql.Connection.TRANSACTION_NONE)
      .withSqlNullPlusNullIsNull(true)
      // DuckDB sorts NULLs last in both directions unless the query says otherwise.
      .withSqlNullOrdering(FlightSql.SqlNullOrdering.SQL_NULLS_SORTED_AT_END)
      .withSqlIdentifierQuoteChar("\"")
      .withSqlCatalogTerm("project")
      .withSqlSchemaTerm("schema")
      .withSqlDdlCatalog(false)
      .withSqlDdlSchema(false)
      .withSqlDdlTable(false)
      .withSqlSupportsColumnAliasing(true)
      .withSqlIdentifierCase(FlightSql.SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE)
      .withSqlQuotedIdentifierCase(FlightSql.SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE);

  private FlightInfo metadataInfo(com.google.protobuf.Message request, Schema schema, CallContext context,
      FlightDescriptor descriptor) {
    session(context);
    return new FlightInfo(schema, descriptor, List.of(new FlightEndpoint(new Ticket(Any.pack(request).toByteArray()))), -1, -1);
  }

  @Override
  public FlightInfo getFlightInfoSqlInfo(FlightSql.CommandGetSqlInfo request, CallContext context,
      FlightDescriptor descriptor) {
    return metadataInfo(request, FlightSqlProducer.Schemas.GET_SQL_INFO_SCHEMA, context, descriptor);
  }

  @Override
  public void getStreamSqlInfo(FlightSql.CommandGetSqlInfo request, CallContext context, ServerStreamListener listener) {
    session(context);
    SQL_INFO.send(request.getInfoList(), listener);
  }

  @Override
  public FlightInfo getFlightInfoCatalogs(FlightSql.CommandGetCatalogs request, CallContext context,
      FlightDescriptor descriptor) {
    return metadataInfo(request, FlightSqlProducer.Schemas.GET_CATALOGS_SCHEMA, context, descriptor);
  }

  /** One catalog: the project this gateway serves (the only one the session may see). */
  @Override
  public void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
    session(context);
    sendStrings(FlightSqlProducer.Schemas.GET_CATALOGS_SCHEMA, List.of(gateway.projectId()), listener);
  }

  @Override
  public FlightInfo getFlightInfoSchemas(FlightSql.CommandGetDbSchemas request, CallContext context,
      FlightDescriptor descriptor) {
    return metadataInfo(request, FlightSqlProducer.Schemas.GET_SCHEMAS_SCHEMA, context, descriptor);
  }

  /** The project's tables sit directly in its catalog, as {@link #getStreamTables} lists them: no schemas. */
  @Override
  public void getStreamSchemas(FlightSql.CommandGetDbSchemas request, CallContext context, ServerStreamListener listener) {
    session(context);
    sendStrings(FlightSqlProducer.Schemas.GET_SCHEMAS_SCHEMA, List.of(), listener);
  }

  @Override
  public FlightInfo getFlightInfoTableTypes(FlightSql.CommandGetTableTypes request, CallContext context,
      FlightDescriptor descriptor) {
    return metadataInfo(request, FlightSqlProducer.Schemas.GET_TABLE_TYPES_SCHEMA, context, descriptor);
  }

  @Override
  public void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
    session(context);
    sendStrings(FlightSqlProducer.Schemas.GET_TABLE_TYPES_SCHEMA, List.of("TABLE"), listener);
  }

  /** One batch whose first column holds {@code values} and whose other columns are null. */
  private void sendStrings(Schema schema, List<String> values, ServerStreamListener listener) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      root.allocateNew();
      VarCharVector first = (VarCharVector) root.getVector(0);
      for (int i = 0; i < values.size(); i++) {
        first.setSafe(i, values.get(i).getBytes(StandardCharsets.UTF_8));
        for (int c = 1; c < root.getFieldVectors().size(); c++) {
          ((org.apache.arrow.vector.BaseVariableWidthVector) root.getVector(c)).setNull(i);
        }
      }
      root.setRowCount(values.size());
      sendOne(root, listener);
    }
  }

  @Override
  public FlightInfo getFlightInfoTables(FlightSql.CommandGetTables request, CallContext context,
      FlightDescriptor descriptor) {
    return metadataInfo(request, request.getIncludeSchema() ? FlightSqlProducer.Schemas.GET_TABLES_SCHEMA
        : FlightSqlProducer.Schemas.GET_TABLES_SCHEMA_NO_SCHEMA, context, descriptor);
  }

  /** The project's own tables: the catalog a client may browse instead of DuckDB's system views. */
  @Override
  public void getStreamTables(FlightSql.CommandGetTables request, CallContext context, ServerStreamListener listener) {
    session(context);
    Schema schema = request.getIncludeSchema() ? FlightSqlProducer.Schemas.GET_TABLES_SCHEMA
        : FlightSqlProducer.Schemas.GET_TABLES_SCHEMA_NO_SCHEMA;
    List<ProjectCatalog.TableInfo> tables = gateway.catalog().tables().values().stream()
        .filter(t -> !request.hasTableNameFilterPattern() || like(t.name(), request.getTableNameFilterPattern()))
        .toList();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      root.allocateNew();
      VarCharVector catalog = (VarCharVector) root.getVector("catalog_name");
      VarCharVector dbSchema = (VarCharVector) root.getVector("db_schema_name");
      VarCharVector name = (VarCharVector) root.getVector("table_name");
      VarCharVector type = (VarCharVector) root.getVector("table_type");
      org.apache.arrow.vector.VarBinaryVector tableSchema = request.getIncludeSchema()
          ? (org.apache.arrow.vector.VarBinaryVector) root.getVector("table_schema") : null;
      for (int i = 0; i < tables.size(); i++) {
        catalog.setSafe(i, gateway.projectId().getBytes(StandardCharsets.UTF_8));
        dbSchema.setNull(i);
        name.setSafe(i, tables.get(i).name().getBytes(StandardCharsets.UTF_8));
        type.setSafe(i, "TABLE".getBytes(StandardCharsets.UTF_8));
        if (tableSchema != null) {
          tableSchema.setSafe(i, tableSchema(tables.get(i)).serializeAsMessage());
        }
      }
      root.setRowCount(tables.size());
      sendOne(root, listener);
    }
  }

  private static void sendOne(VectorSchemaRoot root, ServerStreamListener listener) {
    listener.start(root);
    listener.putNext();
    listener.completed();
  }

  private static Schema tableSchema(ProjectCatalog.TableInfo t) {
    List<org.apache.arrow.vector.types.pojo.Field> fields = new java.util.ArrayList<>();
    for (ProjectCatalog.ColumnInfo c : t.columns().values()) {
      fields.add(org.apache.arrow.vector.types.pojo.Field.nullable(c.name(), arrowType(c.duckDbType())));
    }
    return new Schema(fields);
  }

  private static org.apache.arrow.vector.types.pojo.ArrowType arrowType(String duckDbType) {
    return switch (duckDbType.toUpperCase(java.util.Locale.ROOT)) {
      case "BIGINT" -> new org.apache.arrow.vector.types.pojo.ArrowType.Int(64, true);
      case "INTEGER" -> new org.apache.arrow.vector.types.pojo.ArrowType.Int(32, true);
      case "DOUBLE" -> new org.apache.arrow.vector.types.pojo.ArrowType.FloatingPoint(
          org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE);
      case "BOOLEAN" -> org.apache.arrow.vector.types.pojo.ArrowType.Bool.INSTANCE;
      case "DATE" -> new org.apache.arrow.vector.types.pojo.ArrowType.Date(org.apache.arrow.vector.types.DateUnit.DAY);
      default -> org.apache.arrow.vector.types.pojo.ArrowType.Utf8.INSTANCE;
    };
  }

  /** SQL LIKE with % and _ as the Flight SQL spec defines the filter pattern. */
  static boolean like(String value, String pattern) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      regex.append(c == '%' ? ".*" : c == '_' ? "." : java.util.regex.Pattern.quote(String.valueOf(c)));
    }
    return value.matches(regex.toString());
  }

  private void sweep() {
    Instant now = clock.instant();
    handles.entrySet().removeIf(e -> {
      boolean expired = e.getValue().expires().isBefore(now);
      if (expired && !e.getValue().prepared()) {
        gateway.auditEvent("query.unclaimed", Map.of("queryId", e.getValue().plan().queryId()));
      }
      return expired;
    });
  }

  @Override
  public void close() {
    handles.clear();
  }
}
