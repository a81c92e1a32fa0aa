package jp.enclave.checker.request;

import java.util.List;
import java.util.Map;

/**
 * One declared item of an export request.
 *
 * @param file         the exported file, relative to the request folder
 * @param table        for figures: the underlying table file (may be null)
 * @param tableType    for figures: how to check the underlying table (frequency or magnitude)
 * @param queries      gateway query IDs the numbers came from (provenance)
 * @param labelColumns columns that label cells; null to infer
 * @param measures     measure column to kind (count, sum, mean, median, min, max, percentile, sd); null to infer
 */
public record ExportItem(String id, ItemType type, String file, String table, ItemType tableType,
                         List<String> queries, List<String> labelColumns, Map<String, String> measures,
                         String comment) {

  public ExportItem {
    queries = queries == null ? List.of() : List.copyOf(queries);
    labelColumns = labelColumns == null ? null : List.copyOf(labelColumns);
    measures = measures == null ? null : Map.copyOf(measures);
    comment = comment == null ? "" : comment;
  }

  public static ExportItem of(String id, ItemType type, String file) {
    return new ExportItem(id, type, file, null, null, List.of(), null, null, "");
  }

  public ExportItem withQueries(List<String> q) {
    return new ExportItem(id, type, file, table, tableType, q, labelColumns, measures, comment);
  }

  public ExportItem withLabelColumns(List<String> l) {
    return new ExportItem(id, type, file, table, tableType, queries, l, measures, comment);
  }

  public ExportItem withMeasures(Map<String, String> m) {
    return new ExportItem(id, type, file, table, tableType, queries, labelColumns, m, comment);
  }

  public ExportItem withTable(String t, ItemType tt) {
    return new ExportItem(id, type, file, t, tt, queries, labelColumns, measures, comment);
  }
}
