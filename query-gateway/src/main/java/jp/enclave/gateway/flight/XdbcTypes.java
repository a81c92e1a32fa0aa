package jp.enclave.gateway.flight;

import java.nio.charset.StandardCharsets;
import java.sql.DatabaseMetaData;
import java.sql.Types;
import java.util.List;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.util.Text;

/**
 * The types a query can meet in this gateway's catalog, as JDBC {@code getTypeInfo} (Flight SQL
 * GetXdbcTypeInfo) describes them, so DBeaver and similar tools know the literal syntax of each.
 * One row per DuckDB type the catalog accepts under its canonical name.
 */
final class XdbcTypes {
  /** One type: name, JDBC type, size, literal prefix and suffix, creation parameters, max scale. */
  record Row(String name, int jdbcType, Integer size, String prefix, String suffix, List<String> params,
      Integer maxScale) {}

  static final List<Row> ROWS = List.of(
      new Row("BOOLEAN", Types.BOOLEAN, 1, null, null, List.of(), null),
      new Row("TINYINT", Types.TINYINT, 3, null, null, List.of(), null),
      new Row("SMALLINT", Types.SMALLINT, 5, null, null, List.of(), null),
      new Row("INTEGER", Types.INTEGER, 10, null, null, List.of(), null),
      new Row("BIGINT", Types.BIGINT, 19, null, null, List.of(), null),
      new Row("HUGEINT", Types.DECIMAL, 38, null, null, List.of(), 0),
      new Row("REAL", Types.REAL, 7, null, null, List.of(), null),
      new Row("DOUBLE", Types.DOUBLE, 15, null, null, List.of(), null),
      new Row("DECIMAL", Types.DECIMAL, 38, null, null, List.of("precision", "scale"), 38),
      new Row("DATE", Types.DATE, 10, "DATE '", "'", List.of(), null),
      new Row("TIME", Types.TIME, 15, "TIME '", "'", List.of(), null),
      new Row("TIMESTAMP", Types.TIMESTAMP, 26, "TIMESTAMP '", "'", List.of(), null),
      new Row("VARCHAR", Types.VARCHAR, null, "'", "'", List.of(), null));

  private XdbcTypes() {}

  /** Fills {@code root} (the GetXdbcTypeInfo schema) with every row, or only those of {@code jdbcType}. */
  static void fill(VectorSchemaRoot root, Integer jdbcType) {
    List<Row> rows = ROWS.stream().filter(r -> jdbcType == null || r.jdbcType() == jdbcType).toList();
    root.allocateNew();
    UnionListWriter params = ((ListVector) root.getVector("create_params")).getWriter();
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      boolean numeric = r.prefix() == null && r.jdbcType() != Types.BOOLEAN;
      text(root, "type_name", i, r.name());
      integer(root, "data_type", i, r.jdbcType());
      integer(root, "column_size", i, r.size());
      text(root, "literal_prefix", i, r.prefix());
      text(root, "literal_suffix", i, r.suffix());
      params.setPosition(i);
      params.startList();
      r.params().forEach(p -> params.writeVarChar(new Text(p)));
      params.endList();
      integer(root, "nullable", i, DatabaseMetaData.typeNullable);
      bool(root, "case_sensitive", i, r.jdbcType() == Types.VARCHAR);
      integer(root, "searchable", i, DatabaseMetaData.typeSearchable);
      bool(root, "unsigned_attribute", i, numeric ? false : null);
      bool(root, "fixed_prec_scale", i, r.jdbcType() == Types.DECIMAL);
      bool(root, "auto_increment", i, numeric ? false : null);
      text(root, "local_type_name", i, r.name());
      integer(root, "minimum_scale", i, r.maxScale() == null ? null : 0);
      integer(root, "maximum_scale", i, r.maxScale());
      integer(root, "sql_data_type", i, r.jdbcType());
      integer(root, "datetime_subcode", i, null);
      integer(root, "num_prec_radix", i, numeric ? 10 : null);
      integer(root, "interval_precision", i, null);
    }
    params.setValueCount(rows.size());
    root.setRowCount(rows.size());
  }

  private static void text(VectorSchemaRoot root, String column, int i, String value) {
    VarCharVector v = (VarCharVector) root.getVector(column);
    if (value == null) {
      v.setNull(i);
    } else {
      v.setSafe(i, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void integer(VectorSchemaRoot root, String column, int i, Integer value) {
    IntVector v = (IntVector) root.getVector(column);
    if (value == null) {
      v.setNull(i);
    } else {
      v.setSafe(i, value);
    }
  }

  private static void bool(VectorSchemaRoot root, String column, int i, Boolean value) {
    BitVector v = (BitVector) root.getVector(column);
    if (value == null) {
      v.setNull(i);
    } else {
      v.setSafe(i, value ? 1 : 0);
    }
  }
}
