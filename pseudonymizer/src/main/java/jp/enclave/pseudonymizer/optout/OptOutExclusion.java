package jp.enclave.pseudonymizer.optout;

import static jp.enclave.pseudonymizer.db.Duck.exec;
import static jp.enclave.pseudonymizer.db.Duck.queryLong;

import com.google.crypto.tink.prf.Prf;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jp.enclave.pseudonymizer.HolderAudit;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.db.PipelineException;
import jp.enclave.pseudonymizer.linkage.Linker;
import jp.enclave.pseudonymizer.linkage.ProbeMatcher;
import jp.enclave.pseudonymizer.source.SourceTable;
import jp.enclave.pseudonymizer.store.StoreBuilder;

/**
 * The ingest step that honours opt-outs: after linkage, every request in the register is matched
 * again (a hospital ID to its registration's person, a description through {@link ProbeMatcher}),
 * and every accepted row of every matched person, from every hospital, leaves staging before the
 * store is built. Removed rows are counted per source file, so input = accepted + quarantined +
 * opted out still holds. With an empty register nothing runs.
 */
public final class OptOutExclusion {
  /** Rows removed per source file, requests matched and not, persons excluded, time taken. */
  public record Result(Map<SourceTable, Long> optedOut, int requests, int matched, int unmatched, long persons,
      long millis) {
    public static Result none() {
      return new Result(Map.of(), 0, 0, 0, 0, 0);
    }
  }

  private OptOutExclusion() {}

  public static Result apply(Connection c, HolderHome home, Linker.Result linkage, Prf pseudonymKey) {
    List<OptOutEntry> entries = OptOutRegister.load(home);
    if (entries.isEmpty()) {
      return Result.none();
    }
    long start = System.nanoTime();
    List<Set<Integer>> clusters = new ArrayList<>();
    List<ProbeMatcher.Probe> probes = new ArrayList<>();
    List<Integer> probeOf = new ArrayList<>();
    try (PreparedStatement byId = c.prepareStatement("SELECT k.cluster FROM src_patients p "
        + "JOIN link_cluster_ids k ON k.rid = p._sid - 1 WHERE p.hospital_id = ? AND p.patient_id = ?")) {
      for (int i = 0; i < entries.size(); i++) {
        Identification who = entries.get(i).person();
        Set<Integer> found = new LinkedHashSet<>();
        if (who.byHospital()) {
          byId.setString(1, who.hospitalId());
          byId.setString(2, who.patientId());
          try (ResultSet r = byId.executeQuery()) {
            while (r.next()) {
              found.add(r.getInt(1));
            }
          }
        } else {
          probes.add(new ProbeMatcher.Probe(who.nameKanji(), who.nameKana(), who.sex(), who.birthDate()));
          probeOf.add(i);
        }
        clusters.add(found);
      }
    } catch (SQLException e) {
      throw new PipelineException("opt-out: cannot look up hospital IDs: " + e.getMessage(), e);
    }
    List<ProbeMatcher.Match> matches = ProbeMatcher.match(c, linkage, probes);
    for (int j = 0; j < matches.size(); j++) {
      clusters.get(probeOf.get(j)).addAll(matches.get(j).clusters());
    }
    Set<Integer> all = clusters.stream().flatMap(Set::stream).collect(Collectors.toCollection(LinkedHashSet::new));
    exec(c, "CREATE OR REPLACE TEMP TABLE optout_cluster (cluster INTEGER)");
    if (!all.isEmpty()) {
      exec(c, "INSERT INTO optout_cluster VALUES " + all.stream().map(x -> "(" + x + ")").collect(Collectors.joining(", ")));
    }
    Map<Integer, String> pseudonyms = pseudonyms(c, pseudonymKey);
    Map<Integer, Long> registrations = new LinkedHashMap<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
        "SELECT cluster, count(*) FROM link_cluster_ids WHERE cluster IN (SELECT cluster FROM optout_cluster) GROUP BY ALL")) {
      while (r.next()) {
        registrations.put(r.getInt(1), r.getLong(2));
      }
    } catch (SQLException e) {
      throw new PipelineException("opt-out: cannot count registrations: " + e.getMessage(), e);
    }
    exec(c, "CREATE OR REPLACE TEMP TABLE optout_reg AS SELECT rid + 1 AS reg FROM link_cluster_ids "
        + "WHERE cluster IN (SELECT cluster FROM optout_cluster)");
    Map<SourceTable, Long> removed = new EnumMap<>(SourceTable.class);
    for (SourceTable t : SourceTable.values()) {
      String where = " WHERE " + (t == SourceTable.PATIENT ? "_sid" : "_reg") + " IN (SELECT reg FROM optout_reg)";
      removed.put(t, queryLong(c, "SELECT count(*) FROM src_" + t.stem() + where));
      exec(c, "DELETE FROM src_" + t.stem() + where);
    }
    // Without a cluster entry the person gets no pseudonym, no store row, no correspondence row.
    exec(c, "DELETE FROM link_cluster_ids WHERE cluster IN (SELECT cluster FROM optout_cluster)");

    Instant now = Instant.now();
    List<OptOutEntry> updated = new ArrayList<>();
    int matched = 0;
    for (int i = 0; i < entries.size(); i++) {
      OptOutEntry e = entries.get(i);
      Set<Integer> found = clusters.get(i);
      Map<String, Object> audit = new LinkedHashMap<>();
      audit.put("request", e.requestId());
      if (found.isEmpty()) {
        updated.add(e.unmatched(now));
        audit.put("status", "unmatched; kept, tried again at every ingest");
        HolderAudit.record(home, "opt-out.unmatched", audit);
        continue;
      }
      matched++;
      long regs = found.stream().mapToLong(x -> registrations.getOrDefault(x, 0L)).sum();
      updated.add(e.matched(found.stream().map(pseudonyms::get).toList(), regs, now));
      audit.put("persons", found.size());
      audit.put("registrations", regs);
      HolderAudit.record(home, "opt-out.matched", audit);
    }
    OptOutRegister.save(home, updated);
    long rows = removed.values().stream().mapToLong(Long::longValue).sum();
    HolderAudit.record(home, "opt-out.excluded", Map.of("requests", entries.size(), "matched", matched,
        "persons", all.size(), "rows", rows));
    return new Result(removed, entries.size(), matched, entries.size() - matched, all.size(),
        (System.nanoTime() - start) / 1_000_000);
  }

  /** Store pseudonyms of the opted-out persons, derived as the store derives them. */
  private static Map<Integer, String> pseudonyms(Connection c, Prf prf) {
    Map<Integer, String> out = new LinkedHashMap<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT o.cluster, i.hospital_id, i.patient_id "
        + "FROM optout_cluster o JOIN link_input i ON i.rid = o.cluster")) {
      while (r.next()) {
        out.put(r.getInt(1), StoreBuilder.personPseudonym(prf, r.getString(2), r.getString(3)));
      }
    } catch (SQLException | GeneralSecurityException e) {
      throw new PipelineException("opt-out: cannot derive pseudonyms: " + e.getMessage(), e);
    }
    return out;
  }
}
