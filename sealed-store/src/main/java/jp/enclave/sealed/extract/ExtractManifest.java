package jp.enclave.sealed.extract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * What a project extract holds: its tables, their columns with type and sensitivity label, and
 * which key seals it. The manifest is the associated data of the seal, so relabelling a column
 * (say free text as clinical) makes the extract fail to open.
 */
public record ExtractManifest(
    int formatVersion,
    String projectId,
    String keyId,
    String createdAt,
    String personColumn,
    List<Table> tables) {

  public static final int FORMAT_VERSION = 1;

  public record Table(String name, long rowCount, List<Column> columns) {
    public Table {
      columns = List.copyOf(columns);
    }

    public Optional<Column> column(String columnName) {
      return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }
  }

  public record Column(String name, String type, Sensitivity sensitivity) {}

  public ExtractManifest {
    tables = List.copyOf(tables);
  }

  public Optional<Table> table(String name) {
    return tables.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** Canonical bytes bound into the seal. */
  byte[] associatedData() {
    try {
      return ("enclave-extract:v" + formatVersion + ":" + projectId + ":")
          .concat(CANONICAL.writeValueAsString(this)).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("manifest not serialisable", e);
    }
  }

  static final ObjectMapper CANONICAL = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
      .configure(SerializationFeature.INDENT_OUTPUT, false);
}
