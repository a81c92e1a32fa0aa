package jp.enclave.checker.provenance;

import java.util.List;
import jp.enclave.checker.table.MeasureKind;

/**
 * The shape of a cited aggregate query, as far as recomputation needs it: grouping keys, the
 * aggregates and their arguments, and the "base" query in DuckDB SQL: the cited WITH, FROM and
 * WHERE selecting each key as k0.., the person column as __pid and each aggregate's argument
 * (with its FILTER folded in) as a0... A query with ROLLUP, CUBE or GROUPING SETS has one base
 * per grouping set, the keys rolled up selected as NULL, exactly as the query's margin rows.
 */
public record AggregateQuery(List<Key> keys, List<Measure> measures, List<String> baseSqls, boolean filtersCells) {

  public AggregateQuery {
    baseSqls = List.copyOf(baseSqls);
  }

  /** The base of the finest grouping (all keys); the only one without grouping sets. */
  public String baseSql() {
    return baseSqls.get(0);
  }

  /** True when the query has margins from ROLLUP, CUBE or GROUPING SETS. */
  public boolean hasGroupingSets() {
    return baseSqls.size() > 1;
  }

  /** A GROUP BY key: its output name and its expression in DuckDB SQL. */
  public record Key(String name, String sql) {}

  /**
   * An aggregate of the select list.
   *
   * @param function COUNT_STAR, COUNT, COUNT_PERSONS, COUNT_DISTINCT, SUM, AVG, MIN, MAX, MEDIAN, QUANTILE, STDDEV
   * @param argSql   the argument in DuckDB SQL, or null for COUNT(*)
   * @param arg      the argument's column in the base query (shared by aggregates of the same argument), or null
   * @param quantile the fraction for QUANTILE
   */
  public record Measure(String name, String function, String argSql, String arg, double quantile) {
    public Measure withArg(String column) {
      return new Measure(name, function, argSql, column, quantile);
    }

    public MeasureKind kind() {
      switch (function) {
        case "COUNT_STAR": case "COUNT": case "COUNT_PERSONS": case "COUNT_DISTINCT": return MeasureKind.COUNT;
        case "SUM": return MeasureKind.SUM;
        case "AVG": return MeasureKind.MEAN;
        case "MIN": return MeasureKind.MIN;
        case "MAX": return MeasureKind.MAX;
        case "MEDIAN": return MeasureKind.MEDIAN;
        case "QUANTILE": return MeasureKind.PERCENTILE;
        default: return MeasureKind.SD;
      }
    }
  }
}
