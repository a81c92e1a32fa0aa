package jp.enclave.server.inventory;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The holder zone's report as the registry shows it: its data assets and the data dictionary.
 * Metadata only (names, counts, times, digests); the holder's pipeline never reports a value.
 */
public record InventoryReport(long id, Instant importedAt, String importedBy, String sha256, Instant generatedAt,
    List<Asset> assets, Dictionary dictionary) {

  /** A text in both of the portal's languages. */
  public record Text(String ja, String en) {
    public String in(String language) {
      return "ja".equals(language) ? ja : en;
    }
  }

  /**
   * A source delivery, a store build or an extract. {@code status}: current, replaced, deleted,
   * missing. {@code facts}: counts and such (rows per table, persons, bytes, deletedAt).
   */
  public record Asset(String id, String kind, String name, String status, String at, Text owner, Text legalBasis,
      Text retention, Map<String, Object> facts) {}

  public record Dictionary(List<Table> tables, List<CodeSystem> codeSystems) {
    public static final Dictionary EMPTY = new Dictionary(List.of(), List.of());
  }

  public record Table(String name, String periodColumn, List<Column> columns) {}

  public record Column(String name, String type, String sensitivity, String codeSystem) {}

  public record CodeSystem(String id, Text name) {}
}
