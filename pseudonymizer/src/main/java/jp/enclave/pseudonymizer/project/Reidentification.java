package jp.enclave.pseudonymizer.project;

import com.google.crypto.tink.prf.Prf;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import jp.enclave.pseudonymizer.HolderAudit;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.db.Duck;
import jp.enclave.pseudonymizer.store.StoreBuilder;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.SealedFiles;

/**
 * Resolves a project's pseudonyms to their sources (hospital, local patient ID, record keys) for
 * an approved PMDA re-identification request, in the data holder's zone only: the project's
 * pseudonym key derives each store person's project pseudonym, the sealed correspondence table
 * names the sources of the matching store persons. Both are opened only into RAM scratch; nothing
 * but the result for the requested pseudonyms leaves. A project whose key was destroyed (project
 * end) can no longer be resolved. Every run and every refusal goes to the holder's audit trail.
 */
public final class Reidentification {
  private static final Pattern PROJECT_PSEUDONYM = Pattern.compile("Q[0-9A-F]{16}");

  /** One source record of a person. */
  public record Source(String hospital, String localPatientId, String storeTable, Long storeRecordId,
      String sourceRecordKey) {}

  /** Per requested pseudonym its sources; pseudonyms of no person of the project are listed apart. */
  public record Result(String requestId, String projectId, Instant at, Map<String, List<Source>> sources,
      List<String> notFound) {}

  private Reidentification() {}

  public static Result run(HolderHome home, String projectId, Collection<String> pseudonyms, String requestId,
      String by) {
    Set<String> wanted = new LinkedHashSet<>(pseudonyms);
    List<String> malformed = wanted.stream().filter(p -> !PROJECT_PSEUDONYM.matcher(p).matches()).toList();
    if (wanted.isEmpty() || !malformed.isEmpty()) {
      refuse(home, projectId, requestId, by, wanted.isEmpty() ? "no pseudonyms given"
          : "not project pseudonyms (Q + 16 hex digits): " + malformed);
    }
    String prfKey = HolderHome.projectPrfKey(projectId);
    if (!home.holderVault().exists(prfKey)) {
      refuse(home, projectId, requestId, by, "project " + projectId + " has no pseudonym key: it was never "
          + "provisioned or its key was destroyed at project end");
    }
    Prf prf = home.holderVault().prfKey(prfKey);
    Map<String, String> storeToProject = new HashMap<>();
    Map<String, List<Source>> out = new LinkedHashMap<>();
    try (PrivateScratch scratch = PrivateScratch.create("reidentification")) {
      try (Connection c = Duck.open(home.open(HolderHome.Holding.STORE, scratch)); Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT person_id FROM patient")) {
        while (r.next()) {
          String p = r.getString(1);
          String q = StoreBuilder.pseudonym("Q", prf, p.getBytes(StandardCharsets.UTF_8));
          if (wanted.contains(q)) {
            storeToProject.put(p, q);
          }
        }
      }
      var plain = scratch.resolve("correspondence.parquet");
      SealedFiles.unseal(home.sealedCorrespondence(), plain, home.holderVault().sealingKey(HolderHome.CORRESPONDENCE_KEY),
          StoreBuilder.CORRESPONDENCE_CONTEXT);
      wanted.forEach(q -> out.put(q, new ArrayList<>()));
      if (!storeToProject.isEmpty()) {
        try (Connection c = Duck.open(null)) {
          Duck.exec(c, "CREATE TEMP TABLE wanted (person_id VARCHAR)");
          try (PreparedStatement ins = c.prepareStatement("INSERT INTO wanted VALUES (?)")) {
            for (String p : storeToProject.keySet()) {
              ins.setString(1, p);
              ins.addBatch();
            }
            ins.executeBatch();
          }
          try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
              "SELECT k.person_id, k.hospital_id, k.patient_id, k.store_table, k.store_record_id, k.source_record_key "
                  + "FROM read_parquet(" + Duck.literal(plain) + ") k JOIN wanted w USING (person_id) "
                  + "ORDER BY k.person_id, k.hospital_id, k.store_table, k.store_record_id")) {
            while (r.next()) {
              long rec = r.getLong(5);
              out.get(storeToProject.get(r.getString(1))).add(new Source(r.getString(2), r.getString(3),
                  r.getString(4), r.wasNull() ? null : rec, r.getString(6)));
            }
          }
        }
      }
    } catch (SQLException | GeneralSecurityException e) {
      throw new ProjectException("re-identification for " + projectId + " failed: " + e.getMessage(), e);
    }
    List<String> notFound = wanted.stream().filter(q -> !storeToProject.containsValue(q)).toList();
    notFound.forEach(out::remove);
    Map<String, Object> audit = new LinkedHashMap<>();
    audit.put("project", projectId);
    audit.put("request", requestId);
    audit.put("requestedBy", by);
    audit.put("pseudonyms", wanted.size());
    audit.put("resolved", out.size());
    audit.put("notFound", notFound.size());
    HolderAudit.record(home, "reidentification.run", audit);
    return new Result(requestId, projectId, Instant.now(), out, notFound);
  }

  private static void refuse(HolderHome home, String projectId, String requestId, String by, String why) {
    HolderAudit.record(home, "reidentification.refused", Map.of("project", projectId, "request", requestId,
        "requestedBy", by, "reason", why));
    throw new ProjectException("re-identification refused: " + why);
  }
}
