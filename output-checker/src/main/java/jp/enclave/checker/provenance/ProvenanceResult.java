package jp.enclave.checker.provenance;

import java.util.List;
import java.util.Map;

/**
 * The cited query recomputed person by person: for each cell (keyed by its canonical label
 * values), the distinct persons and, per measure, the value, contributors, total, the two largest
 * per-person contributions and, for order statistics, how many persons hold the value.
 */
public record ProvenanceResult(CitedQuery cited, AggregateQuery query, Map<String, Cell> cells, double personsBehind) {

  public record Cell(List<String> keys, double persons, double[] value, double[] contributors, double[] total,
                     double[] top1, double[] top2, double[] holders) {}

  /** Canonical lookup key for label values in key order. */
  public static String key(List<String> canonicalValues) {
    return String.join("\u0001", canonicalValues);
  }
}
