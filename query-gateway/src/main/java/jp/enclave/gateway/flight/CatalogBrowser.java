package jp.enclave.gateway.flight;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jp.enclave.gateway.core.Gateway;
import jp.enclave.gateway.core.GatewaySession;
import jp.enclave.gateway.core.ProjectCatalog;
import jp.enclave.gateway.core.CatalogView;
import jp.enclave.gateway.core.GatewayRefusal;
import jp.enclave.policies.Decision;
import org.apache.arrow.flight.sql.FlightSqlColumnMetadata;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Flight SQL's view of the catalog: the core's {@link CatalogView} (the same Cedar decisions and
 * audit as every front end), with refusals as Flight errors and tables as Arrow schemas.
 */
final class CatalogBrowser {
  /** A table as one session may see it. */
  record TableView(ProjectCatalog.TableInfo table, List<ProjectCatalog.ColumnInfo> columns, List<String> hidden) {}

  private final Gateway gateway;
  private final CatalogView view;

  CatalogBrowser(Gateway gateway, Clock clock) {
    this.gateway = gateway;
    this.view = new CatalogView(gateway, clock);
  }

  /** The policies' decision whether the session may query the project; a refusal as a Flight error. */
  Decision authorize(GatewaySession session, String call) {
    try {
      return view.authorize(session, call);
    } catch (GatewayRefusal r) {
      throw FlightErrors.toFlight(r);
    }
  }

  /** Records what a permitted metadata call sent to the client. */
  void listed(GatewaySession session, String call, Decision decision, Map<String, Object> detail) {
    view.listed(session, call, decision, detail);
  }

  /** The tables matching {@code pattern}, each with the columns this session may read. */
  List<TableView> tables(GatewaySession session, String pattern) {
    return view.tables(session, pattern).stream()
        .map(t -> new TableView(t.table(), t.columns(), t.hidden())).toList();
  }

  /** A table's readable columns as Arrow fields, with the DuckDB type name, precision and scale. */
  Schema schema(TableView view) {
    List<Field> fields = new ArrayList<>();
    for (ProjectCatalog.ColumnInfo c : view.columns()) {
      ArrowType type = ArrowTypes.ofDuckDb(c.duckDbType());
      if (type == null) {
        throw new IllegalStateException("no Arrow type for the manifest type " + c.duckDbType());
      }
      FlightSqlColumnMetadata.Builder md = new FlightSqlColumnMetadata.Builder()
          .catalogName(gateway.projectId())
          .tableName(view.table().name())
          .typeName(c.duckDbType())
          .isReadOnly(true);
      if (type instanceof ArrowType.Decimal dec) {
        md.precision(dec.getPrecision()).scale(dec.getScale());
      }
      fields.add(new Field(c.name(), new FieldType(true, type, null, md.build().getMetadataMap()), null));
    }
    return new Schema(fields);
  }

  /** SQL LIKE with % and _ as the Flight SQL spec defines the filter pattern. */
  static boolean like(String value, String pattern) {
    return CatalogView.like(value, pattern);
  }
}
