package jp.enclave.pseudonymizer.linkage;

import static jp.enclave.pseudonymizer.db.Duck.exec;
import static jp.enclave.pseudonymizer.db.Duck.queryLong;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import jp.enclave.pseudonymizer.db.PipelineException;
import org.duckdb.DuckDBAppender;

/**
 * Links the accepted patient registrations of all hospitals into persons (名寄せ). Blocking rules
 * pick candidate pairs (same birth date and sex; or same folded kana name and birth year, which
 * catches day and month typos), DuckDB scores every pair's comparison pattern, a Fellegi–Sunter model fitted by
 * EM turns patterns into match probabilities, and pairs above the threshold are joined into
 * clusters by union-find. Result: {@code link_cluster_ids(rid, cluster)}, where a record's rid is
 * its registration surrogate minus one and the cluster is the smallest rid in it.
 */
public final class Linker {
  /** Candidate pairs must share all columns of at least one rule. */
  static final List<List<String>> BLOCKING_RULES = List.of(
      List.of("birth_date", "sex"),
      List.of("family_n", "given_n", "birth_year"));

  public record Result(long records, long candidatePairs, long linkedPairs, long clusters, FellegiSunter model,
      double threshold) {}

  private Linker() {}

  public static Result run(Connection c, double threshold) {
    long records = prepare(c);
    String comparisons = Comparison.ALL.stream().map(x -> x.sql() + " AS " + x.column())
        .collect(Collectors.joining(", "));
    String candidates = BLOCKING_RULES.stream().map(rule -> "SELECT a.rid AS l, b.rid AS r FROM link_input a "
            + "JOIN link_input b ON " + rule.stream().map(col -> "a." + col + " = b." + col)
            .collect(Collectors.joining(" AND ")) + " AND a.rid < b.rid")
        .collect(Collectors.joining(" UNION "));
    String ruleFlags = java.util.stream.IntStream.range(0, BLOCKING_RULES.size()).mapToObj(i -> "("
            + BLOCKING_RULES.get(i).stream().map(col -> "a." + col + " = b." + col).collect(Collectors.joining(" AND "))
            + ") AS rule" + i)
        .collect(Collectors.joining(", "));
    exec(c, "CREATE OR REPLACE TABLE link_pairs AS SELECT p.l, p.r, " + ruleFlags + ", " + comparisons + " FROM (" + candidates
        + ") p JOIN link_input a ON a.rid = p.l JOIN link_input b ON b.rid = p.r");
    long pairs = queryLong(c, "SELECT count(*) FROM link_pairs");
    String levels = Comparison.ALL.stream().map(Comparison::column).collect(Collectors.joining(", "));
    List<FellegiSunter.Pattern> blocked = patterns(c, "SELECT " + levels + ", count(*) FROM link_pairs GROUP BY ALL ORDER BY ALL");
    // u from 2000 x 2000 random pairs, picked by hash so the same input always gives the same model.
    List<FellegiSunter.Pattern> random = patterns(c, "SELECT " + levels + ", count(*) FROM ("
        + "SELECT " + comparisons + " FROM (SELECT * FROM link_input ORDER BY hash(rid, 17) LIMIT 2000) a,"
        + " (SELECT * FROM link_input ORDER BY hash(rid, 23) LIMIT 2000) b WHERE a.rid <> b.rid"
        + ") GROUP BY ALL ORDER BY ALL");
    List<FellegiSunter.Session> sessions = new ArrayList<>();
    for (int i = 0; i < BLOCKING_RULES.size(); i++) {
      sessions.add(new FellegiSunter.Session(
          patterns(c, "SELECT " + levels + ", count(*) FROM link_pairs WHERE rule" + i + " GROUP BY ALL ORDER BY ALL"),
          blockedComparisons(BLOCKING_RULES.get(i))));
    }
    FellegiSunter model = FellegiSunter.fit(Comparison.ALL, sessions, blocked, random, 25, records);
    scorePatterns(c, model, blocked);
    exec(c, "CREATE OR REPLACE TABLE link_scores AS SELECT p.l, p.r, s.probability FROM link_pairs p "
        + "JOIN link_pattern_score s USING (" + levels + ")");
    long linked = queryLong(c, "SELECT count(*) FROM link_scores WHERE probability >= " + threshold);
    long clusters = cluster(c, (int) records, threshold);
    return new Result(records, pairs, linked, clusters, model, threshold);
  }

  /** Folds names and phones in Java (Unicode work DuckDB has no function for) into link_input. */
  private static long prepare(Connection c) {
    exec(c, "CREATE OR REPLACE TABLE link_raw (rid INTEGER, hospital_id VARCHAR, patient_id VARCHAR, "
        + "family_n VARCHAR, given_n VARCHAR, family_kanji VARCHAR, given_kanji VARCHAR, sex VARCHAR, birth_date DATE, "
        + "prefecture VARCHAR, "
        + "city VARCHAR, phone VARCHAR)");
    int rid = 0;
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT hospital_id, patient_id, name_kana, name_kanji, sex, "
            + "CAST(birth_date AS VARCHAR), prefecture, city, phone, _sid FROM src_patients ORDER BY _sid");
        DuckDBAppender app = jp.enclave.pseudonymizer.db.Duck.appender(c, "link_raw")) {
      while (r.next()) {
        if (r.getLong(10) != rid + 1) {
          throw new PipelineException("linkage: registration surrogates are not dense at " + r.getLong(10));
        }
        String[] kana = splitName(r.getString(3));
        String[] kanji = splitName(r.getString(4));
        String phone = r.getString(9) == null ? null : r.getString(9).replaceAll("[^0-9]", "");
        app.beginRow().append(rid++).append(r.getString(1)).append(r.getString(2))
            .append(KanaNormalizer.fold(kana[0])).append(KanaNormalizer.fold(kana[1])).append(kanji[0]).append(kanji[1])
            .append(r.getString(5)).append(java.time.LocalDate.parse(r.getString(6))).append(r.getString(7))
            .append(r.getString(8)).append(phone == null || phone.isEmpty() ? null : phone).endRow();
      }
    } catch (SQLException e) {
      throw new PipelineException("linkage: cannot prepare registrations: " + e.getMessage(), e);
    }
    exec(c, "CREATE OR REPLACE TABLE link_input AS SELECT *, year(birth_date) AS birth_year FROM link_raw");
    exec(c, "DROP TABLE link_raw");
    return rid;
  }

  /** Comparisons whose every level is fixed by a rule's columns. */
  private static java.util.Set<Integer> blockedComparisons(List<String> rule) {
    java.util.Set<Integer> out = new java.util.HashSet<>();
    for (int i = 0; i < Comparison.ALL.size(); i++) {
      if (rule.stream().anyMatch(Comparison.ALL.get(i).fields()::contains)) {
        out.add(i);
      }
    }
    return out;
  }

  static String[] splitName(String name) {
    String n = name == null ? "" : name.strip();
    int space = n.indexOf(' ') >= 0 ? n.indexOf(' ') : n.indexOf('\u3000');
    return space < 0 ? new String[] {n, ""} : new String[] {n.substring(0, space), n.substring(space + 1).strip()};
  }

  /** Patterns in a fixed order ({@code ORDER BY ALL}), so EM sums them the same way every run. */
  private static List<FellegiSunter.Pattern> patterns(Connection c, String sql) {
    List<FellegiSunter.Pattern> out = new ArrayList<>();
    int k = Comparison.ALL.size();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        int[] levels = new int[k];
        for (int i = 0; i < k; i++) {
          int v = r.getInt(i + 1);
          levels[i] = r.wasNull() ? -1 : v;
        }
        out.add(new FellegiSunter.Pattern(levels, r.getLong(k + 1)));
      }
    } catch (SQLException e) {
      throw new PipelineException("linkage: cannot read comparison patterns: " + e.getMessage(), e);
    }
    return out;
  }

  private static void scorePatterns(Connection c, FellegiSunter model, List<FellegiSunter.Pattern> patterns) {
    String cols = Comparison.ALL.stream().map(x -> x.column() + " INTEGER").collect(Collectors.joining(", "));
    exec(c, "CREATE OR REPLACE TABLE link_pattern_score (" + cols + ", match_weight DOUBLE, probability DOUBLE)");
    try (DuckDBAppender app = jp.enclave.pseudonymizer.db.Duck.appender(c, "link_pattern_score")) {
      for (FellegiSunter.Pattern p : patterns) {
        app.beginRow();
        for (int level : p.levels()) {
          app.append(level < 0 ? null : Integer.valueOf(level));
        }
        app.append(model.matchWeight(p.levels())).append(model.probability(p.levels())).endRow();
      }
    } catch (SQLException e) {
      throw new PipelineException("linkage: cannot store pattern scores: " + e.getMessage(), e);
    }
    // NULL levels must join too: the USING join treats NULL = NULL as false, so code them as -1.
    String coalesce = Comparison.ALL.stream().map(x -> "coalesce(" + x.column() + ", -1) AS " + x.column())
        .collect(Collectors.joining(", "));
    exec(c, "CREATE OR REPLACE TABLE link_pattern_score AS SELECT " + coalesce
        + ", match_weight, probability FROM link_pattern_score");
    exec(c, "CREATE OR REPLACE TABLE link_pairs AS SELECT l, r, " + coalesce + " FROM link_pairs");
  }

  private static long cluster(Connection c, int records, double threshold) {
    int[] parent = new int[records];
    for (int i = 0; i < records; i++) {
      parent[i] = i;
    }
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT l, r FROM link_scores WHERE probability >= " + threshold)) {
      while (r.next()) {
        int a = find(parent, r.getInt(1));
        int b = find(parent, r.getInt(2));
        if (a != b) {
          parent[Math.max(a, b)] = Math.min(a, b);
        }
      }
    } catch (SQLException e) {
      throw new PipelineException("linkage: cannot read linked pairs: " + e.getMessage(), e);
    }
    exec(c, "CREATE OR REPLACE TABLE link_cluster_ids (rid INTEGER, cluster INTEGER)");
    long clusters = 0;
    try (DuckDBAppender app = jp.enclave.pseudonymizer.db.Duck.appender(c, "link_cluster_ids")) {
      for (int i = 0; i < records; i++) {
        int root = find(parent, i);
        if (root == i) {
          clusters++;
        }
        app.beginRow().append(i).append(root).endRow();
      }
    } catch (SQLException e) {
      throw new PipelineException("linkage: cannot store clusters: " + e.getMessage(), e);
    }
    return clusters;
  }

  /** Union-find root with path halving; the root is always the smallest record in its set. */
  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }
}
