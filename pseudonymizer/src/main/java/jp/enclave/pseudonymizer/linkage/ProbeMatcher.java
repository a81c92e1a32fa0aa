package jp.enclave.pseudonymizer.linkage;

import static jp.enclave.pseudonymizer.db.Duck.exec;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import jp.enclave.pseudonymizer.db.Duck;
import jp.enclave.pseudonymizer.db.PipelineException;
import org.duckdb.DuckDBAppender;

/**
 * Finds the linked person an outside description (an opt-out request naming a patient by name,
 * reading, birth date and sex) belongs to, with the linkage's own parts: the same folding, the
 * same blocking rules, the same comparisons (fields the description lacks count as missing) and
 * the model and threshold fitted on this run's registrations. Runs after {@link Linker#run}.
 */
public final class ProbeMatcher {
  public record Probe(String nameKanji, String nameKana, String sex, LocalDate birthDate) {}

  /** The persons (cluster ids) a probe matches at or above the threshold, and its best score. */
  public record Match(List<Integer> clusters, double bestProbability) {}

  private ProbeMatcher() {}

  public static List<Match> match(Connection c, Linker.Result linkage, List<Probe> probes) {
    List<Match> out = new ArrayList<>();
    if (probes.isEmpty()) {
      return out;
    }
    exec(c, "CREATE OR REPLACE TEMP TABLE link_probe AS SELECT * FROM link_input LIMIT 0");
    try (DuckDBAppender app = Duck.appender(c, "link_probe")) {
      for (int i = 0; i < probes.size(); i++) {
        Probe p = probes.get(i);
        String[] kana = Linker.splitName(p.nameKana());
        String[] kanji = p.nameKanji() == null ? new String[] {null, null} : Linker.splitName(p.nameKanji());
        // Columns as link_input: rid, hospital_id, patient_id, family_n, given_n, family_kanji,
        // given_kanji, sex, birth_date, prefecture, city, phone, birth_year.
        app.beginRow().append(i).append((String) null).append((String) null)
            .append(KanaNormalizer.fold(kana[0])).append(KanaNormalizer.fold(kana[1]))
            .append(kanji[0]).append(kanji[1]).append(p.sex()).append(p.birthDate())
            .append((String) null).append((String) null).append((String) null).append((long) p.birthDate().getYear())
            .endRow();
      }
    } catch (SQLException e) {
      throw new PipelineException("linkage: cannot stage opt-out descriptions: " + e.getMessage(), e);
    }
    String candidates = Linker.BLOCKING_RULES.stream().map(rule -> "SELECT a.rid AS l, b.rid AS r FROM link_probe a "
            + "JOIN link_input b ON " + rule.stream().map(col -> "a." + col + " = b." + col)
            .collect(Collectors.joining(" AND ")))
        .collect(Collectors.joining(" UNION "));
    String levels = Comparison.ALL.stream().map(Comparison::sqlAllowingMissing).collect(Collectors.joining(", "));
    List<Map<Integer, Double>> best = new ArrayList<>();
    probes.forEach(p -> best.add(new TreeMap<>()));
    double[] top = new double[probes.size()];
    int k = Comparison.ALL.size();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT p.l, k.cluster, " + levels
        + " FROM (" + candidates + ") p JOIN link_probe a ON a.rid = p.l JOIN link_input b ON b.rid = p.r "
        + "JOIN link_cluster_ids k ON k.rid = p.r ORDER BY p.l, p.r")) {
      while (r.next()) {
        int[] pattern = new int[k];
        for (int i = 0; i < k; i++) {
          int v = r.getInt(i + 3);
          pattern[i] = r.wasNull() ? -1 : v;
        }
        double probability = linkage.model().probability(pattern);
        int probe = r.getInt(1);
        top[probe] = Math.max(top[probe], probability);
        if (probability >= linkage.threshold()) {
          best.get(probe).merge(r.getInt(2), probability, Math::max);
        }
      }
    } catch (SQLException e) {
      throw new PipelineException("linkage: cannot score opt-out descriptions: " + e.getMessage(), e);
    }
    exec(c, "DROP TABLE link_probe");
    for (int i = 0; i < probes.size(); i++) {
      out.add(new Match(List.copyOf(best.get(i).keySet()), top[i]));
    }
    return out;
  }
}
