package jp.enclave.gateway.flight;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jp.enclave.gateway.core.Gateway;
import jp.enclave.gateway.core.GatewayRefusal;
import jp.enclave.gateway.core.GatewaySession;
import jp.enclave.gateway.core.PlannedQuery;
import jp.enclave.gateway.core.Refusals;
import jp.enclave.gateway.core.RunningQuery;
import jp.enclave.policies.Decision;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
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
 * unknown, reused, expired or foreign ticket or prepared statement is NOT_FOUND ({@link Handles}).
 * DoGet executes, sending a batch only when the client is ready, stopping the query if the client
 * cancels, goes away or sends CancelFlightInfo for its own ticket, with the core's server-side
 * time limit. Every stream gets its own child allocator, closed with it.
 *
 * <p>Prepared statements may carry {@code ?} parameters, bound by DoPut and written into the text
 * as typed literals before the whole pipeline runs on it ({@link SqlParameters}). Catalog calls ask
 * the same policies as queries and list only readable columns ({@link CatalogBrowser}). Updates and
 * bulk ingest stay refused by the base class.
 */
public final class EnclaveFlightSqlProducer extends NoOpFlightSqlProducer implements AutoCloseable {
  private final Gateway gateway;
  private final BearerTokenAuthenticator auth;
  private final BufferAllocator allocator;
  private final Handles handles;
  private final CatalogBrowser catalog;

  /** A plan and the schema of its result. */
  private record Planned(PlannedQuery plan, Schema schema) {}

  EnclaveFlightSqlProducer(Gateway gateway, BearerTokenAuthenticator auth, BufferAllocator allocator, Clock clock) {
    this.gateway = gateway;
    this.auth = auth;
    this.allocator = allocator;
    this.handles = new Handles(gateway, clock);
    this.catalog = new CatalogBrowser(gateway, clock);
  }

  private GatewaySession session(CallContext context) {
    return auth.session(context.peerIdentity());
  }

  /** Plans and asks DuckDB for the result schema; a plan whose schema cannot be had is unclaimed. */
  private Planned plan(GatewaySession session, String sql) {
    try {
      PlannedQuery plan = gateway.plan(session, sql);
      try {
        return new Planned(plan, ArrowTypes.withColumnMetadata(gateway.resultSchema(plan, allocator)));
      } catch (RuntimeException e) {
        handles.unclaimed(plan, "its result schema could not be determined");
        throw e;
      }
    } catch (GatewayRefusal r) {
      throw FlightErrors.toFlight(r);
    }
  }

  /** One endpoint per plan, each with a ticket bound to the caller. */
  private FlightInfo tickets(String owner, List<Planned> plans, FlightDescriptor descriptor) {
    List<FlightEndpoint> endpoints = new java.util.ArrayList<>();
    for (Planned p : plans) {
      ByteString key = handles.addTicket(new Handles.Ticket(owner, p.plan(), handles.newExpiry()));
      endpoints.add(new FlightEndpoint(new Ticket(Any.pack(FlightSql.TicketStatementQuery.newBuilder()
          .setStatementHandle(key).build()).toByteArray())));
    }
    return new FlightInfo(plans.get(0).schema(), descriptor, endpoints, -1, -1);
  }

  @Override
  public FlightInfo getFlightInfoStatement(FlightSql.CommandStatementQuery command, CallContext context,
      FlightDescriptor descriptor) {
    GatewaySession session = session(context);
    handles.checkRoom(context.peerIdentity());
    return tickets(context.peerIdentity(), List.of(plan(session, command.getQuery())), descriptor);
  }

  @Override
  public SchemaResult getSchemaStatement(FlightSql.CommandStatementQuery command, CallContext context,
      FlightDescriptor descriptor) {
    Planned p = plan(session(context), command.getQuery());
    handles.unclaimed(p.plan(), "only its result schema was asked for");
    return new SchemaResult(p.schema());
  }

  @Override
  public void createPreparedStatement(FlightSql.ActionCreatePreparedStatementRequest request, CallContext context,
      StreamListener<Result> listener) {
    try {
      GatewaySession session = session(context);
      handles.checkRoom(context.peerIdentity());
      SqlParameters.Template template = SqlParameters.parse(request.getQuery(), gateway.catalog());
      // Without parameters the text is planned now (refusals come early); its first execution
      // uses this plan. With parameters, each execution plans the text with its values written in.
      Planned planned = template.count() == 0 ? plan(session, request.getQuery()) : null;
      Schema dataset = planned == null ? new Schema(List.of()) : planned.schema();
      ByteString key = handles.addPrepared(new Handles.Prepared(context.peerIdentity(), template, dataset,
          planned == null ? null : planned.plan(), handles.newExpiry()));
      FlightSql.ActionCreatePreparedStatementResult.Builder result = FlightSql.ActionCreatePreparedStatementResult.newBuilder()
          .setPreparedStatementHandle(key)
          .setDatasetSchema(ByteString.copyFrom(dataset.serializeAsMessage()));
      if (template.count() > 0) {
        result.setParameterSchema(ByteString.copyFrom(template.parameterSchema().serializeAsMessage()));
      }
      listener.onNext(new Result(Any.pack(result.build()).toByteArray()));
      listener.onCompleted();
    } catch (FlightRuntimeException e) {
      listener.onError(e);
    }
  }

  /** Binds parameter rows to the caller's own prepared statement, rendered as literals at once. */
  @Override
  public Runnable acceptPutPreparedStatementQuery(FlightSql.CommandPreparedStatementQuery command, CallContext context,
      FlightStream flightStream, StreamListener<PutResult> ackStream) {
    return () -> {
      try {
        session(context);
        ByteString key = command.getPreparedStatementHandle();
        Handles.Prepared prepared = handles.prepared(key, context.peerIdentity(), "bind");
        List<List<String>> rows = new java.util.ArrayList<>();
        while (flightStream.next()) {
          SqlParameters.render(flightStream.getRoot(), prepared.template.count(), rows);
        }
        prepared.boundRows = List.copyOf(rows);
        byte[] ack = FlightSql.DoPutPreparedStatementResult.newBuilder().setPreparedStatementHandle(key).build()
            .toByteArray();
        try (org.apache.arrow.memory.ArrowBuf buffer = allocator.buffer(ack.length)) {
          buffer.writeBytes(ack);
          ackStream.onNext(PutResult.metadata(buffer));
        }
        ackStream.onCompleted();
      } catch (FlightRuntimeException e) {
        ackStream.onError(e);
      }
    };
  }

  @Override
  public FlightInfo getFlightInfoPreparedStatement(FlightSql.CommandPreparedStatementQuery command,
      CallContext context, FlightDescriptor descriptor) {
    GatewaySession session = session(context);
    Handles.Prepared prepared = handles.prepared(command.getPreparedStatementHandle(), context.peerIdentity(), "execute");
    handles.checkRoom(context.peerIdentity());
    if (prepared.template.count() == 0) {
      PlannedQuery first = prepared.creationPlan.getAndSet(null);
      if (first != null && handles.tooOld(first)) {
        // Its policy decision is older than a handle may live: decide again.
        handles.unclaimed(first, "its prepared statement ran after its plan had aged; planned afresh");
        first = null;
      }
      // Later executions are planned, authorized and audited afresh under their own query IDs.
      Planned p = first != null ? new Planned(first, prepared.datasetSchema) : plan(session, prepared.template.sql());
      return tickets(context.peerIdentity(), List.of(p), descriptor);
    }
    List<List<String>> rows = prepared.boundRows;
    if (rows.isEmpty()) {
      throw FlightErrors.invalid("GW-PARAMETER-MISSING", "The statement has " + prepared.template.count()
          + " parameters; bind a value to each before executing it.");
    }
    List<Planned> plans = new java.util.ArrayList<>();
    try {
      for (List<String> row : rows) {
        Planned p = plan(session, prepared.template.bind(row));
        plans.add(p);
        if (!p.schema().equals(plans.get(0).schema())) {
          throw FlightErrors.invalid("GW-PARAMETER-ROWS", "The bound parameter rows give results of different "
              + "shapes; execute them one at a time.");
        }
      }
    } catch (FlightRuntimeException e) {
      plans.forEach(p -> handles.unclaimed(p.plan(), "another parameter row of its execution was refused"));
      throw e;
    }
    return tickets(context.peerIdentity(), plans, descriptor);
  }

  @Override
  public SchemaResult getSchemaPreparedStatement(FlightSql.CommandPreparedStatementQuery command, CallContext context,
      FlightDescriptor descriptor) {
    session(context);
    return new SchemaResult(handles.prepared(command.getPreparedStatementHandle(), context.peerIdentity(), "schema")
        .datasetSchema);
  }

  @Override
  public void closePreparedStatement(FlightSql.ActionClosePreparedStatementRequest request, CallContext context,
      StreamListener<Result> listener) {
    try {
      handles.closePrepared(request.getPreparedStatementHandle(), context.peerIdentity());
      listener.onCompleted();
    } catch (FlightRuntimeException e) {
      listener.onError(e);
    }
  }

  /** CancelFlightInfo (and the older CancelQuery): stops the caller's own tickets only. */
  @Override
  public void cancelFlightInfo(CancelFlightInfoRequest request, CallContext context, StreamListener<CancelStatus> listener) {
    try {
      session(context);
      for (FlightEndpoint endpoint : request.getInfo().getEndpoints()) {
        ByteString key;
        try {
          key = Any.parseFrom(endpoint.getTicket().getBytes()).unpack(FlightSql.TicketStatementQuery.class)
              .getStatementHandle();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          throw FlightErrors.toFlight(Refusals.denyUnknownHandle("ticket"));
        }
        handles.cancel(key, context.peerIdentity());
      }
      listener.onNext(CancelStatus.CANCELLED);
      listener.onCompleted();
    } catch (FlightRuntimeException e) {
      listener.onError(e);
    }
  }

  @Override
  public void getStreamStatement(FlightSql.TicketStatementQuery ticket, CallContext context,
      ServerStreamListener listener) {
    ByteString key = ticket.getStatementHandle();
    Handles.Ticket t;
    try {
      t = handles.claimTicket(key, context.peerIdentity());
    } catch (FlightRuntimeException e) {
      listener.error(e);
      return;
    }
    try {
      stream(t, listener);
    } finally {
      handles.done(key);
    }
  }

  private void stream(Handles.Ticket ticket, ServerStreamListener listener) {
    PlannedQuery plan = ticket.plan;
    long deadline = System.nanoTime() + gateway.config().queryTimeout().toNanos();
    // gRPC calls this when the client can take more; waiting on it instead of polling keeps the
    // next batch moving the moment the previous one has been written out.
    java.util.concurrent.Semaphore ready = new java.util.concurrent.Semaphore(0);
    listener.setOnReadyHandler(ready::release);
    try (BufferAllocator child = allocator.newChildAllocator("query-" + plan.queryId(), 0, Long.MAX_VALUE);
         RunningQuery query = gateway.execute(plan, child)) {
      ticket.running = query;
      if (ticket.cancelRequested) {
        query.cancel();
      }
      listener.setOnCancelHandler(() -> {
        query.cancel();
        ready.release();
      });
      VectorSchemaRoot root = query.root();
      listener.start(root);
      while (query.next()) {
        // A CancelFlightInfo for this ticket ends the wait for a client that stopped reading.
        while (!listener.isReady() && !listener.isCancelled() && !ticket.cancelRequested) {
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
        if (ticket.cancelRequested) {
          throw Refusals.denyCancelled();
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
      .withFlightSqlServerCancel(true)
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

  /**
   * Every catalog call is two steps (GetFlightInfo, then DoGet of the request itself as ticket);
   * both ask the policies, so a session refused queries cannot browse either.
   */
  private FlightInfo metadataInfo(com.google.protobuf.Message request, Schema schema, CallContext context,
      FlightDescriptor descriptor, String call) {
    catalog.authorize(session(context), call);
    return new FlightInfo(schema, descriptor, List.of(new FlightEndpoint(new Ticket(Any.pack(request).toByteArray()))), -1, -1);
  }

  /** Runs a catalog call's DoGet after the policy check; a refusal goes to the client as an error. */
  private void metadataStream(CallContext context, ServerStreamListener listener, String call,
      java.util.function.BiFunction<GatewaySession, Decision, Map<String, Object>> send) {
    try {
      GatewaySession session = session(context);
      Decision decision = catalog.authorize(session, call);
      catalog.listed(session, call, decision, send.apply(session, decision));
    } catch (FlightRuntimeException e) {
      listener.error(e);
    }
  }

  @Override
  public FlightInfo getFlightInfoSqlInfo(FlightSql.CommandGetSqlInfo request, CallContext context,
      FlightDescriptor descriptor) {
    return metadataInfo(request, FlightSqlProducer.Schemas.GET_SQL_INFO_SCHEMA, context, descriptor, "GetSqlInfo");
  }

  @Override
  public void getStreamSqlInfo(FlightSql.CommandGetSqlInfo request, CallContext context, ServerStreamListener listener) {
    metadataStream(context, listener, "GetSqlInfo", (session, decision) -> {
      SQL_INFO.send(request.getInfoList(), listener);
      return Map.of();
    });
  }

  @Override
  public FlightInfo getFlightInfoCatalogs(FlightSql.CommandGetCatalogs request, CallContext context,
      FlightDescriptor descriptor) {
    return metadataInfo(request, FlightSqlProducer.Schemas.GET_CATALOGS_SCHEMA, context, descriptor, "GetCatalogs");
  }

  /** One catalog: the project this gateway serves (the only one the session may see). */
  @Override
  public void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
    metadataStream(context, listener, "GetCatalogs", (session, decision) -> {
      sendStrings(FlightSqlProducer.Schemas.GET_CATALOGS_SCHEMA, List.of(gateway.projectId()), listener);
      return Map.of();
    });
  }

  @Override
  public FlightInfo getFlightInfoSchemas(FlightSql.CommandGetDbSchemas request, CallContext context,
      FlightDescriptor descriptor) {
    return metadataInfo(request, FlightSqlProducer.Schemas.GET_SCHEMAS_SCHEMA, context, descriptor, "GetDbSchemas");
  }

  /** The project's tables sit directly in its catalog, as {@link #getStreamTables} lists them: no schemas. */
  @Override
  public void getStreamSchemas(FlightSql.CommandGetDbSchemas request, CallContext context, ServerStreamListener listener) {
    metadataStream(context, listener, "GetDbSchemas", (session, decision) -> {
      sendStrings(FlightSqlProducer.Schemas.GET_SCHEMAS_SCHEMA, List.of(), listener);
      return Map.of();
    });
  }

  @Override
  public FlightInfo getFlightInfoTableTypes(FlightSql.CommandGetTableTypes request, CallContext context,
      FlightDescriptor descriptor) {
    return metadataInfo(request, FlightSqlProducer.Schemas.GET_TABLE_TYPES_SCHEMA, context, descriptor, "GetTableTypes");
  }

  @Override
  public void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
    metadataStream(context, listener, "GetTableTypes", (session, decision) -> {
      sendStrings(FlightSqlProducer.Schemas.GET_TABLE_TYPES_SCHEMA, List.of("TABLE"), listener);
      return Map.of();
    });
  }

  @Override
  public FlightInfo getFlightInfoTypeInfo(FlightSql.CommandGetXdbcTypeInfo request, CallContext context,
      FlightDescriptor descriptor) {
    return metadataInfo(request, FlightSqlProducer.Schemas.GET_TYPE_INFO_SCHEMA, context, descriptor, "GetXdbcTypeInfo");
  }

  /** The types of the catalog with their literal syntax ({@link XdbcTypes}), for JDBC getTypeInfo. */
  @Override
  public void getStreamTypeInfo(FlightSql.CommandGetXdbcTypeInfo request, CallContext context,
      ServerStreamListener listener) {
    metadataStream(context, listener, "GetXdbcTypeInfo", (session, decision) -> {
      try (VectorSchemaRoot root = VectorSchemaRoot.create(FlightSqlProducer.Schemas.GET_TYPE_INFO_SCHEMA, allocator)) {
        XdbcTypes.fill(root, request.hasDataType() ? request.getDataType() : null);
        sendOne(root, listener);
      }
      return Map.of();
    });
  }

  /**
   * Keys: the extract declares none, so DBeaver's key and relation views get empty lists (after
   * the same policy check) instead of an UNIMPLEMENTED error.
   */
  @Override
  public FlightInfo getFlightInfoPrimaryKeys(FlightSql.CommandGetPrimaryKeys request, CallContext context,
      FlightDescriptor descriptor) {
    return metadataInfo(request, FlightSqlProducer.Schemas.GET_PRIMARY_KEYS_SCHEMA, context, descriptor, "GetPrimaryKeys");
  }

  @Override
  public void getStreamPrimaryKeys(FlightSql.CommandGetPrimaryKeys request, CallContext context,
      ServerStreamListener listener) {
    noKeys(FlightSqlProducer.Schemas.GET_PRIMARY_KEYS_SCHEMA, context, listener, "GetPrimaryKeys");
  }

  @Override
  public FlightInfo getFlightInfoExportedKeys(FlightSql.CommandGetExportedKeys request, CallContext context,
      FlightDescriptor descriptor) {
    return metadataInfo(request, FlightSqlProducer.Schemas.GET_EXPORTED_KEYS_SCHEMA, context, descriptor, "GetExportedKeys");
  }

  @Override
  public void getStreamExportedKeys(FlightSql.CommandGetExportedKeys request, CallContext context,
      ServerStreamListener listener) {
    noKeys(FlightSqlProducer.Schemas.GET_EXPORTED_KEYS_SCHEMA, context, listener, "GetExportedKeys");
  }

  @Override
  public FlightInfo getFlightInfoImportedKeys(FlightSql.CommandGetImportedKeys request, CallContext context,
      FlightDescriptor descriptor) {
    return metadataInfo(request, FlightSqlProducer.Schemas.GET_IMPORTED_KEYS_SCHEMA, context, descriptor, "GetImportedKeys");
  }

  @Override
  public void getStreamImportedKeys(FlightSql.CommandGetImportedKeys request, CallContext context,
      ServerStreamListener listener) {
    noKeys(FlightSqlProducer.Schemas.GET_IMPORTED_KEYS_SCHEMA, context, listener, "GetImportedKeys");
  }

  @Override
  public FlightInfo getFlightInfoCrossReference(FlightSql.CommandGetCrossReference request, CallContext context,
      FlightDescriptor descriptor) {
    return metadataInfo(request, FlightSqlProducer.Schemas.GET_CROSS_REFERENCE_SCHEMA, context, descriptor, "GetCrossReference");
  }

  @Override
  public void getStreamCrossReference(FlightSql.CommandGetCrossReference request, CallContext context,
      ServerStreamListener listener) {
    noKeys(FlightSqlProducer.Schemas.GET_CROSS_REFERENCE_SCHEMA, context, listener, "GetCrossReference");
  }

  private void noKeys(Schema schema, CallContext context, ServerStreamListener listener, String call) {
    metadataStream(context, listener, call, (session, decision) -> {
      sendStrings(schema, List.of(), listener);
      return Map.of();
    });
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
        : FlightSqlProducer.Schemas.GET_TABLES_SCHEMA_NO_SCHEMA, context, descriptor, "GetTables");
  }

  /**
   * The project's own tables (the catalog a client may browse instead of DuckDB's system views),
   * each with only the columns this session may read, typed as DuckDB will return them.
   */
  @Override
  public void getStreamTables(FlightSql.CommandGetTables request, CallContext context, ServerStreamListener listener) {
    metadataStream(context, listener, "GetTables", (session, decision) -> {
      Schema schema = request.getIncludeSchema() ? FlightSqlProducer.Schemas.GET_TABLES_SCHEMA
          : FlightSqlProducer.Schemas.GET_TABLES_SCHEMA_NO_SCHEMA;
      List<CatalogBrowser.TableView> tables = catalog.tables(session,
          request.hasTableNameFilterPattern() ? request.getTableNameFilterPattern() : null);
      Map<String, Object> hidden = new java.util.TreeMap<>();
      try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
        root.allocateNew();
        VarCharVector catalogName = (VarCharVector) root.getVector("catalog_name");
        VarCharVector dbSchema = (VarCharVector) root.getVector("db_schema_name");
        VarCharVector name = (VarCharVector) root.getVector("table_name");
        VarCharVector type = (VarCharVector) root.getVector("table_type");
        org.apache.arrow.vector.VarBinaryVector tableSchema = request.getIncludeSchema()
            ? (org.apache.arrow.vector.VarBinaryVector) root.getVector("table_schema") : null;
        for (int i = 0; i < tables.size(); i++) {
          CatalogBrowser.TableView t = tables.get(i);
          catalogName.setSafe(i, gateway.projectId().getBytes(StandardCharsets.UTF_8));
          dbSchema.setNull(i);
          name.setSafe(i, t.table().name().getBytes(StandardCharsets.UTF_8));
          type.setSafe(i, "TABLE".getBytes(StandardCharsets.UTF_8));
          if (tableSchema != null) {
            tableSchema.setSafe(i, catalog.schema(t).serializeAsMessage());
          }
          if (!t.hidden().isEmpty()) {
            hidden.put(t.table().name(), t.hidden());
          }
        }
        root.setRowCount(tables.size());
        sendOne(root, listener);
      }
      return Map.of("tables", tables.size(), "hiddenColumns", hidden);
    });
  }

  private static void sendOne(VectorSchemaRoot root, ServerStreamListener listener) {
    listener.start(root);
    listener.putNext();
    listener.completed();
  }

  /** Server shutdown: every plan still waiting for its execution is recorded as unclaimed. */
  @Override
  public void close() {
    handles.close();
  }
}
