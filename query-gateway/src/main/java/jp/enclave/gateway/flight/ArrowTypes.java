package jp.enclave.gateway.flight;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.flight.sql.FlightSqlColumnMetadata;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * DuckDB column types (as the extract manifest spells them) to the Arrow types DuckDB's own Arrow
 * export produces for them, so the catalog a client browses (GetTables) and the results it reads
 * agree: a DECIMAL(10,2) is a decimal, a TIMESTAMP a timestamp, never text. One table, tested row
 * by row against DuckDB's export.
 */
final class ArrowTypes {
  private static final Pattern DECIMAL = Pattern.compile("(?:DECIMAL|NUMERIC)\\s*\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\)");

  static final Map<String, ArrowType> BY_NAME = Map.ofEntries(
      Map.entry("BOOLEAN", ArrowType.Bool.INSTANCE),
      Map.entry("BOOL", ArrowType.Bool.INSTANCE),
      Map.entry("TINYINT", new ArrowType.Int(8, true)),
      Map.entry("INT1", new ArrowType.Int(8, true)),
      Map.entry("SMALLINT", new ArrowType.Int(16, true)),
      Map.entry("INT2", new ArrowType.Int(16, true)),
      Map.entry("INTEGER", new ArrowType.Int(32, true)),
      Map.entry("INT", new ArrowType.Int(32, true)),
      Map.entry("INT4", new ArrowType.Int(32, true)),
      Map.entry("BIGINT", new ArrowType.Int(64, true)),
      Map.entry("INT8", new ArrowType.Int(64, true)),
      Map.entry("LONG", new ArrowType.Int(64, true)),
      // DuckDB exports HUGEINT as a 38-digit decimal.
      Map.entry("HUGEINT", new ArrowType.Decimal(38, 0, 128)),
      Map.entry("REAL", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
      Map.entry("FLOAT", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
      Map.entry("FLOAT4", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
      Map.entry("DOUBLE", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
      Map.entry("FLOAT8", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
      // DuckDB's DECIMAL without a width is DECIMAL(18,3).
      Map.entry("DECIMAL", new ArrowType.Decimal(18, 3, 128)),
      Map.entry("DATE", new ArrowType.Date(DateUnit.DAY)),
      Map.entry("TIMESTAMP", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
      Map.entry("DATETIME", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
      Map.entry("TIME", new ArrowType.Time(TimeUnit.MICROSECOND, 64)),
      Map.entry("VARCHAR", ArrowType.Utf8.INSTANCE),
      Map.entry("TEXT", ArrowType.Utf8.INSTANCE),
      Map.entry("STRING", ArrowType.Utf8.INSTANCE));

  private ArrowTypes() {}

  /**
   * The schema with Flight SQL column metadata on each decimal (precision, scale), which JDBC's
   * {@code ResultSetMetaData} reads from the metadata rather than from the Arrow type.
   */
  static Schema withColumnMetadata(Schema schema) {
    List<Field> fields = new ArrayList<>(schema.getFields().size());
    for (Field f : schema.getFields()) {
      if (f.getType() instanceof ArrowType.Decimal d) {
        Map<String, String> md = new HashMap<>(f.getMetadata() == null ? Map.of() : f.getMetadata());
        md.putAll(new FlightSqlColumnMetadata.Builder().precision(d.getPrecision()).scale(d.getScale()).build()
            .getMetadataMap());
        fields.add(new Field(f.getName(), new FieldType(f.isNullable(), d, f.getDictionary(), md), f.getChildren()));
      } else {
        fields.add(f);
      }
    }
    return new Schema(fields, schema.getCustomMetadata());
  }

  /** The Arrow type of a DuckDB type name, or null for a type the gateway's catalog does not hold. */
  static ArrowType ofDuckDb(String duckDbType) {
    String t = duckDbType.trim().toUpperCase(Locale.ROOT);
    Matcher m = DECIMAL.matcher(t);
    if (m.matches()) {
      return new ArrowType.Decimal(Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)), 128);
    }
    return BY_NAME.get(t);
  }
}
