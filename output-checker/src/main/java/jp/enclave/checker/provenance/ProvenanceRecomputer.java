package jp.enclave.checker.provenance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import jp.enclave.checker.Refusal;
import jp.enclave.checker.table.Numbers;

/**
 * Recomputes a cited aggregate query on the project's DuckDB extract, person by person. The
 * query's FROM and WHERE are kept; its select list becomes the grouping keys, the person column
 * and the aggregates' arguments ("base"); rows are then summed per (cell, person) ("pp") and per
 * cell, which yields distinct persons, totals and the largest per-person contributions in one scan.
 */
public final class ProvenanceRecomputer {
  private final QueryShapeParser parser = new QueryShapeParser();

  public ProvenanceResult recompute(CitedQuery cited, Connection extract) throws Refusal {
    AggregateQuery q = parser.parse(cited.sql());
    Map<String, ProvenanceResult.Cell> cells = new HashMap<>();
    double all = Double.NaN;
    // One pass per grouping set: ROLLUP/CUBE/GROUPING SETS margins are recomputed like inner cells.
    for (String base : q.baseSqls()) {
      double a = recompute(q, base, extract, cells);
      all = Double.isNaN(all) ? a : Math.max(all, a);
    }
    if (cells.isEmpty()) {
      all = 0;
    }
    return new ProvenanceResult(cited, q, Map.copyOf(cells), all);
  }

  private static double recompute(AggregateQuery q, String base, Connection extract, Map<String, ProvenanceResult.Cell> cells)
      throws Refusal {
    String sql = rewrite(q, base, false);
    boolean anySeveral = false;
    double all = Double.NaN;
    int k = q.keys().size();
    int n = q.measures().size();
    try (Statement s = extract.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      Map<String, Integer> col = new HashMap<>();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        col.put(rs.getMetaData().getColumnLabel(i), i);
      }
      int[] kIdx = new int[k];
      for (int i = 0; i < k; i++) {
        kIdx[i] = col.get("k" + i);
      }
      int personsIdx = col.get("__persons");
      int severalIdx = col.get("__several");
      int allIdx = col.get("__all");
      int[][] mIdx = new int[n][];
      String[] prefixes = {"v", "n", "t", "x1_", "x2_", "h"};
      for (int j = 0; j < n; j++) {
        mIdx[j] = new int[prefixes.length];
        for (int p = 0; p < prefixes.length; p++) {
          mIdx[j][p] = col.getOrDefault(prefixes[p] + j, -1);
        }
      }
      while (rs.next()) {
        List<String> keys = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
          keys.add(Numbers.canonicalKey(rs.getString(kIdx[i])));
        }
        double persons = num(rs, personsIdx);
        double[] value = new double[n];
        double[] contributors = new double[n];
        double[] total = new double[n];
        double[] top1 = new double[n];
        double[] top2 = new double[n];
        double[] holders = new double[n];
        for (int j = 0; j < n; j++) {
          value[j] = num(rs, mIdx[j][0]);
          contributors[j] = num(rs, mIdx[j][1]);
          total[j] = num(rs, mIdx[j][2]);
          top1[j] = num(rs, mIdx[j][3]);
          top2[j] = num(rs, mIdx[j][4]);
          holders[j] = num(rs, mIdx[j][5]);
        }
        all = num(rs, allIdx);
        anySeveral |= rs.getBoolean(severalIdx);
        cells.put(ProvenanceResult.key(keys), new ProvenanceResult.Cell(List.copyOf(keys), persons, value, contributors,
            total, top1, top2, holders));
      }
    } catch (SQLException e) {
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      int nl = m.indexOf('\n');
      throw new Refusal("QUERY_NOT_RECOMPUTABLE", "the cited query could not be recomputed on the extract: " + (nl > 0 ? m.substring(0, nl) : m));
    }
    if (anySeveral) {
      patchPerPerson(q, base, extract, cells);
    }
    return all;
  }

  /** Replaces row-level contributions by per-person ones in cells where a person has several rows. */
  private static void patchPerPerson(AggregateQuery q, String base, Connection extract,
                                     Map<String, ProvenanceResult.Cell> cells) throws Refusal {
    int k = q.keys().size();
    try (Statement s = extract.createStatement(); ResultSet rs = s.executeQuery(rewrite(q, base, true))) {
      Map<String, Integer> col = new HashMap<>();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        col.put(rs.getMetaData().getColumnLabel(i), i);
      }
      List<String> keys = new ArrayList<>(k);
      while (rs.next()) {
        keys.clear();
        for (int i = 0; i < k; i++) {
          keys.add(Numbers.canonicalKey(rs.getString(col.get("k" + i))));
        }
        ProvenanceResult.Cell cell = cells.get(ProvenanceResult.key(keys));
        if (cell == null) {
          continue;
        }
        for (int j = 0; j < q.measures().size(); j++) {
          String a = q.measures().get(j).arg();
          if (a == null) {
            continue;
          }
          cell.contributors()[j] = num(rs, col.getOrDefault("pn_" + a, -1));
          if (col.containsKey("p1_" + a)) {
            cell.top1()[j] = num(rs, col.get("p1_" + a));
            cell.top2()[j] = num(rs, col.get("p2_" + a));
          }
        }
      }
    } catch (SQLException e) {
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      int nl = m.indexOf('\n');
      throw new Refusal("QUERY_NOT_RECOMPUTABLE", "the per-person recomputation failed on the extract: " + (nl > 0 ? m.substring(0, nl) : m));
    }
  }

  private static double num(ResultSet rs, int idx) throws SQLException {
    if (idx < 0) {
      return Double.NaN;
    }
    double d = rs.getDouble(idx);
    return rs.wasNull() ? Double.NaN : d;
  }

  /**
   * The recomputation SQL; package-visible so tests can run it on DuckDB.
   *
   * <p>One pass over the base rows ("cellq") gives each cell's rows, distinct persons and, per
   * argument, the two largest row values. Where every person has exactly one non-null row in a
   * cell, those rows are the per-person contributions, so nothing more is needed; only cells where
   * some person has several rows (or nulls) go through the per-person stage ("pp"). This keeps the
   * common case close to the cost of the cited query itself.
   */
  static String rewrite(AggregateQuery q, String base, boolean perPerson) {
    int k = q.keys().size();
    // Each argument once; true when it feeds an additive aggregate (sums and top contributions needed).
    java.util.LinkedHashMap<String, Boolean> args = new java.util.LinkedHashMap<>();
    for (AggregateQuery.Measure m : q.measures()) {
      if (m.arg() != null) {
        args.merge(m.arg(), additive(m), Boolean::logicalOr);
      }
    }
    StringJoiner several = new StringJoiner(" OR ");
    several.add("\"__rows\" > \"__persons\"");
    args.keySet().forEach(a -> several.add("\"c_" + a + "\" < \"__rows\""));
    StringBuilder sql = new StringBuilder();
    // Not materialized: each reference re-reads the extract, which is far cheaper than spilling
    // millions of base rows into a temporary result.
    sql.append("WITH base AS NOT MATERIALIZED (").append(base).append(")");
    sql.append(", cellq AS (").append(cellQuery(q, args)).append(")");
    if (perPerson) {
      return sql.append(perPersonTail(k, args, several.toString())).toString();
    }
    boolean needHolders = q.measures().stream().anyMatch(ProvenanceRecomputer::holdersApply);
    if (needHolders) {
      sql.append(", holders AS (").append(holdersQuery(q)).append(")");
    }
    sql.append(" SELECT ").append(outputList(q, several.toString())).append(" FROM cellq c");
    if (needHolders) {
      sql.append(" LEFT JOIN holders h ON ").append(joinOn("c", "h", k));
    }
    return sql.toString();
  }

  /** One pass over the base rows per cell: rows, distinct persons, and per argument count, sum and two largest rows. */
  private static String cellQuery(AggregateQuery q, Map<String, Boolean> args) {
    int k = q.keys().size();
    String keyList = keyList("", k);
    StringJoiner cellq = new StringJoiner(", ");
    if (k > 0) {
      cellq.add(keyList);
    }
    cellq.add("count(*) AS \"__rows\"").add("count(DISTINCT \"__pid\") AS \"__persons\"");
    for (Map.Entry<String, Boolean> a : args.entrySet()) {
      String col = "\"" + a.getKey() + "\"";
      cellq.add("count(" + col + ") AS \"c_" + a.getKey() + "\"");
      if (a.getValue()) {
        cellq.add("sum(" + col + ") AS \"s_" + a.getKey() + "\"")
            .add("list_extract(max(" + col + ", 2), 1) AS \"r1_" + a.getKey() + "\"")
            .add("list_extract(max(" + col + ", 2), 2) AS \"r2_" + a.getKey() + "\"");
      }
    }
    List<AggregateQuery.Measure> ms = q.measures();
    for (int j = 0; j < ms.size(); j++) {
      String st = statistic(ms.get(j));
      if (st != null) {
        cellq.add(st + " AS \"st" + j + "\"");
      }
    }
    return "SELECT " + cellq + " FROM base" + (k > 0 ? " GROUP BY " + keyList : "");
  }

  /** Per-person sums, only in the cells where some person has several rows (or nulls). */
  private static String perPersonTail(int k, Map<String, Boolean> args, String several) {
    String keyList = keyList("", k);
    StringBuilder sql = new StringBuilder();
    sql.append(", multi AS (SELECT ").append(k > 0 ? keyList : "1 AS \"one\"").append(" FROM cellq WHERE ").append(several)
        .append(")");
    StringJoiner pp = new StringJoiner(", ");
    if (k > 0) {
      pp.add(keyList("b.", k));
    }
    pp.add("b.\"__pid\"");
    for (Map.Entry<String, Boolean> a : args.entrySet()) {
      pp.add("count(b.\"" + a.getKey() + "\") AS \"c_" + a.getKey() + "\"");
      if (a.getValue()) {
        pp.add("sum(b.\"" + a.getKey() + "\") AS \"s_" + a.getKey() + "\"");
      }
    }
    sql.append(", pp AS (SELECT ").append(pp).append(" FROM base b JOIN multi m ON ").append(joinOn("b", "m", k))
        .append(" GROUP BY ").append(k > 0 ? keyList("b.", k) + ", " : "").append("b.\"__pid\")");
    StringJoiner ppagg = new StringJoiner(", ");
    for (int i = 0; i < k; i++) {
      ppagg.add("CAST(\"k" + i + "\" AS VARCHAR) AS \"k" + i + "\"");
    }
    for (Map.Entry<String, Boolean> a : args.entrySet()) {
      ppagg.add("count(*) FILTER (WHERE \"c_" + a.getKey() + "\" > 0) AS \"pn_" + a.getKey() + "\"");
      if (a.getValue()) {
        ppagg.add("list_extract(max(\"s_" + a.getKey() + "\", 2), 1) AS \"p1_" + a.getKey() + "\"")
            .add("list_extract(max(\"s_" + a.getKey() + "\", 2), 2) AS \"p2_" + a.getKey() + "\"");
      }
    }
    return sql.append(" SELECT ").append(ppagg).append(" FROM pp").append(k > 0 ? " GROUP BY " + keyList : "").toString();
  }

  /** For order statistics: how many persons hold the cell's value. */
  private static String holdersQuery(AggregateQuery q) {
    int k = q.keys().size();
    List<AggregateQuery.Measure> ms = q.measures();
    StringJoiner hs = new StringJoiner(", ");
    if (k > 0) {
      hs.add(keyList("b.", k));
    }
    for (int j = 0; j < ms.size(); j++) {
      if (holdersApply(ms.get(j))) {
        hs.add("count(DISTINCT b.\"__pid\") FILTER (WHERE b.\"" + ms.get(j).arg() + "\" = c.\"st" + j + "\") AS \"h" + j + "\"");
      }
    }
    return "SELECT " + hs + " FROM base b JOIN cellq c ON " + joinOn("b", "c", k) + (k > 0 ? " GROUP BY " + keyList("b.", k) : "");
  }

  /** Per cell: keys, persons, and per aggregate its value, contributors, total and two largest contributions. */
  private static String outputList(AggregateQuery q, String several) {
    int k = q.keys().size();
    List<AggregateQuery.Measure> ms = q.measures();
    StringJoiner out = new StringJoiner(", ");
    for (int i = 0; i < k; i++) {
      out.add("CAST(c.\"k" + i + "\" AS VARCHAR) AS \"k" + i + "\"");
    }
    out.add("c.\"__persons\"").add("(" + several + ") AS \"__several\"");
    for (int j = 0; j < ms.size(); j++) {
      AggregateQuery.Measure m = ms.get(j);
      String a = m.arg();
      String value;
      switch (m.function()) {
        case "COUNT_STAR": value = "c.\"__rows\""; break;
        case "COUNT": value = "c.\"c_" + a + "\""; break;
        case "COUNT_PERSONS": value = "c.\"__persons\""; break;
        case "SUM": value = "c.\"s_" + a + "\""; break;
        case "AVG": value = "c.\"s_" + a + "\" / nullif(c.\"c_" + a + "\", 0)"; break;
        default: value = "c.\"st" + j + "\"";
      }
      out.add(value + " AS \"v" + j + "\"");
      out.add("c.\"__persons\" AS \"n" + j + "\"");
      if (additive(m)) {
        out.add("c.\"s_" + a + "\" AS \"t" + j + "\"")
            .add("c.\"r1_" + a + "\" AS \"x1_" + j + "\"")
            .add("c.\"r2_" + a + "\" AS \"x2_" + j + "\"");
      }
      if (holdersApply(m)) {
        out.add("h.\"h" + j + "\" AS \"h" + j + "\"");
      }
    }
    // Approximate (HyperLogLog): only feeds the "about one row per person" heuristic.
    out.add("(SELECT approx_count_distinct(\"__pid\") FROM base) AS \"__all\"");
    return out.toString();
  }

  private static String statistic(AggregateQuery.Measure m) {
    String a = "\"" + m.arg() + "\"";
    switch (m.function()) {
      case "MIN": return "min(" + a + ")";
      case "MAX": return "max(" + a + ")";
      case "MEDIAN": return "median(" + a + ")";
      case "QUANTILE": return "quantile_cont(" + a + ", " + m.quantile() + ")";
      case "STDDEV": return "stddev_samp(" + a + ")";
      case "COUNT_DISTINCT": return "count(DISTINCT " + a + ")";
      default: return null;
    }
  }

  private static boolean holdersApply(AggregateQuery.Measure m) {
    String f = m.function();
    return f.equals("MIN") || f.equals("MAX") || f.equals("MEDIAN") || f.equals("QUANTILE");
  }

  private static boolean additive(AggregateQuery.Measure m) {
    return m.function().equals("SUM") || m.function().equals("AVG");
  }

  private static String keyList(String prefix, int k) {
    StringJoiner j = new StringJoiner(", ");
    for (int i = 0; i < k; i++) {
      j.add(prefix + "\"k" + i + "\"");
    }
    return j.toString();
  }

  private static String joinOn(String a, String b, int k) {
    if (k == 0) {
      return "true";
    }
    StringJoiner j = new StringJoiner(" AND ");
    for (int i = 0; i < k; i++) {
      j.add(a + ".\"k" + i + "\" IS NOT DISTINCT FROM " + b + ".\"k" + i + "\"");
    }
    return j.toString();
  }
}
