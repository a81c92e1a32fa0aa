package jp.enclave.gateway.core;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jp.enclave.sealed.extract.ExtractManifest;
import jp.enclave.sealed.extract.Sensitivity;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.dialect.DuckDBSqlDialect;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The only names a query can resolve: the tables and columns of the project's extract manifest,
 * with their sensitivity labels. Built once per project; immutable and shared across sessions.
 */
public final class ProjectCatalog {
  static {
    SqlParsing.useUtf8();
  }

  private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\((\\d+),\\s*(\\d+)\\)");

  /** A column as the policies see it. */
  public record ColumnInfo(String table, String name, String duckDbType, Sensitivity sensitivity) {}

  /** A table with its columns in manifest order. */
  public record TableInfo(String name, Map<String, ColumnInfo> columns) {
    public Optional<ColumnInfo> column(String name) {
      return Optional.ofNullable(columns.get(name.toLowerCase(Locale.ROOT)));
    }
  }

  private final String projectId;
  private final Map<String, TableInfo> tables;
  private final JavaTypeFactoryImpl typeFactory = new JavaTypeFactoryImpl(DuckDBSqlDialect.TYPE_SYSTEM);
  private final CalciteCatalogReader catalogReader;
  private final Set<String> reservedNames;

  public ProjectCatalog(ExtractManifest manifest) {
    this.projectId = manifest.projectId();
    Map<String, TableInfo> t = new LinkedHashMap<>();
    CalciteSchema root = CalciteSchema.createRootSchema(false, false);
    for (ExtractManifest.Table table : manifest.tables()) {
      Map<String, ColumnInfo> cols = new LinkedHashMap<>();
      for (ExtractManifest.Column c : table.columns()) {
        cols.put(c.name().toLowerCase(Locale.ROOT), new ColumnInfo(table.name(), c.name(), c.type(), c.sensitivity()));
      }
      TableInfo info = new TableInfo(table.name(), Map.copyOf(cols));
      t.put(table.name().toLowerCase(Locale.ROOT), new TableInfo(table.name(), java.util.Collections.unmodifiableMap(cols)));
      root.add(table.name(), new ManifestTable(table));
      if (info.columns().isEmpty()) {
        throw new IllegalArgumentException("table " + table.name() + " has no columns in the manifest");
      }
    }
    this.tables = java.util.Collections.unmodifiableMap(t);
    // Quoted: every catalog name the parser knows as a keyword, reserved or not. Babel accepts
    // most keywords as names, but reads some as syntax (VALUE - 5 would become a VALUES row).
    org.apache.calcite.sql.parser.SqlAbstractParserImpl.Metadata md =
        org.apache.calcite.sql.parser.SqlParser.create("", SqlParsing.CONFIG).getMetadata();
    Set<String> reserved = new java.util.HashSet<>();
    for (TableInfo info : t.values()) {
      if (md.isKeyword(info.name().toUpperCase(Locale.ROOT))) {
        reserved.add(info.name().toLowerCase(Locale.ROOT));
      }
      for (ColumnInfo c : info.columns().values()) {
        if (md.isKeyword(c.name().toUpperCase(Locale.ROOT))) {
          reserved.add(c.name().toLowerCase(Locale.ROOT));
        }
      }
    }
    this.reservedNames = Set.copyOf(reserved);
    Properties props = new Properties();
    props.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "false");
    this.catalogReader = new CalciteCatalogReader(root, java.util.List.of(), typeFactory,
        new CalciteConnectionConfigImpl(props));
  }

  /** Lower-case catalog names that Calcite's parser reserves; the input guard quotes them. */
  Set<String> reservedNames() {
    return reservedNames;
  }

  public String projectId() {
    return projectId;
  }

  public Map<String, TableInfo> tables() {
    return tables;
  }

  public Optional<TableInfo> table(String name) {
    return Optional.ofNullable(tables.get(name.toLowerCase(Locale.ROOT)));
  }

  JavaTypeFactoryImpl typeFactory() {
    return typeFactory;
  }

  CalciteCatalogReader catalogReader() {
    return catalogReader;
  }

  /** A manifest table seen by Calcite: its row type only, never its rows. */
  private static final class ManifestTable extends AbstractTable {
    private final ExtractManifest.Table table;

    ManifestTable(ExtractManifest.Table table) {
      this.table = table;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory f) {
      RelDataTypeFactory.Builder b = f.builder();
      for (ExtractManifest.Column c : table.columns()) {
        b.add(c.name(), f.createTypeWithNullability(type(f, c.type()), true));
      }
      return b.build();
    }
  }

  static RelDataType type(RelDataTypeFactory f, String duckDbType) {
    String t = duckDbType.trim().toUpperCase(Locale.ROOT);
    Matcher m = DECIMAL.matcher(t);
    if (m.matches()) {
      return f.createSqlType(SqlTypeName.DECIMAL, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }
    switch (t) {
      case "VARCHAR": case "TEXT": case "STRING":
        return f.createSqlType(SqlTypeName.VARCHAR);
      case "BIGINT": case "INT8": case "LONG":
        return f.createSqlType(SqlTypeName.BIGINT);
      case "INTEGER": case "INT": case "INT4":
        return f.createSqlType(SqlTypeName.INTEGER);
      case "SMALLINT": case "INT2":
        return f.createSqlType(SqlTypeName.SMALLINT);
      case "TINYINT": case "INT1":
        return f.createSqlType(SqlTypeName.TINYINT);
      case "HUGEINT":
        return f.createSqlType(SqlTypeName.DECIMAL, 38, 0);
      case "DOUBLE": case "FLOAT8":
        return f.createSqlType(SqlTypeName.DOUBLE);
      case "FLOAT": case "REAL": case "FLOAT4":
        return f.createSqlType(SqlTypeName.REAL);
      case "BOOLEAN": case "BOOL":
        return f.createSqlType(SqlTypeName.BOOLEAN);
      case "DATE":
        return f.createSqlType(SqlTypeName.DATE);
      case "TIMESTAMP": case "DATETIME":
        return f.createSqlType(SqlTypeName.TIMESTAMP);
      case "TIME":
        return f.createSqlType(SqlTypeName.TIME);
      default:
        throw new IllegalArgumentException("unsupported DuckDB column type in manifest: " + duckDbType);
    }
  }
}
