package jp.enclave.pseudonymizer.optout;

import com.google.crypto.tink.prf.Prf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jp.enclave.pseudonymizer.HolderAudit;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.db.Duck;
import jp.enclave.pseudonymizer.project.ExtractExport;
import jp.enclave.pseudonymizer.project.ExtractProvisioner;
import jp.enclave.pseudonymizer.project.ProjectDeletion;
import jp.enclave.pseudonymizer.project.ProjectSpec;
import jp.enclave.pseudonymizer.store.StoreBuilder;
import jp.enclave.sealed.KeyVault;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.extract.ExtractManifest;
import jp.enclave.sealed.extract.SealedExtract;

/**
 * Carries opt-outs past the store, after an ingest has excluded them: every existing project
 * extract holding an opted-out person (found by deriving the person's project pseudonym with the
 * project's key and looking for it in the opened extract) is listed, its releases are listed for
 * the steward, and it is made again from its approved spec without them: the old extract is
 * deleted as at project end (keys destroyed here and in every zone it went to, deletion record),
 * the new one provisioned from the store and exported to the same zones. Every step is audited.
 */
public final class OptOutPropagation {
  /** An extract that held opted-out persons, what was done, and the releases the steward must review. */
  public record Affected(String projectId, long persons, boolean reprovisioned, String note,
      List<ReleasedOutputs.Item> releasesNamingThem, List<ReleasedOutputs.Item> releasesNotRecordingPersons) {}

  public record Result(int optedOutPersons, int extractsChecked, List<Affected> affected) {}

  private OptOutPropagation() {}

  public static Result run(HolderHome home, ReleasedOutputs released, String by) {
    Set<String> pseudonyms = OptOutRegister.load(home).stream()
        .flatMap(e -> e.storePseudonyms().stream()).collect(Collectors.toCollection(LinkedHashSet::new));
    if (pseudonyms.isEmpty()) {
      return new Result(0, 0, List.of());
    }
    long stillInStore = countInStore(home, pseudonyms);
    if (stillInStore > 0) {
      HolderAudit.record(home, "opt-out.propagation-refused", Map.of("reason", "store still holds opted-out persons",
          "persons", stillInStore));
      throw new OptOutException(stillInStore + " opted-out person(s) are still in the store: run the pipeline "
          + "(pseudonymize) first, so re-provisioned extracts are made without them");
    }
    List<String> projects = projects(home);
    List<Affected> affected = new ArrayList<>();
    KeyVault holder = home.holderVault();
    for (String projectId : projects) {
      String prfKey = HolderHome.projectPrfKey(projectId);
      if (!holder.exists(prfKey)) {
        continue;
      }
      List<String> q = projectPseudonyms(holder.prfKey(prfKey), pseudonyms);
      long present = presentIn(home, projectId, q);
      if (present == 0) {
        continue;
      }
      List<ReleasedOutputs.Item> items = released.of(projectId);
      List<ReleasedOutputs.Item> naming = items.stream().filter(i -> i.persons().stream().anyMatch(q::contains)).toList();
      List<ReleasedOutputs.Item> unknown = items.stream().filter(i -> i.persons().isEmpty()).toList();
      Map<String, Object> audit = new LinkedHashMap<>();
      audit.put("project", projectId);
      audit.put("persons", present);
      audit.put("releasesNamingThem", naming.stream().map(ReleasedOutputs.Item::releaseId).toList());
      audit.put("releasesWithoutPersonList", unknown.stream().map(ReleasedOutputs.Item::releaseId).toList());
      audit.put("actor", by);
      HolderAudit.record(home, "opt-out.extract-affected", audit);
      var spec = ExtractProvisioner.savedSpec(home, projectId);
      if (spec.isEmpty()) {
        String note = "no saved spec (provisioned before specs were kept): re-provision by hand";
        HolderAudit.record(home, "opt-out.reprovision-blocked", Map.of("project", projectId, "reason", note, "actor", by));
        affected.add(new Affected(projectId, present, false, note, naming, unknown));
        continue;
      }
      affected.add(reprovision(home, spec.get(), by, present, naming, unknown));
    }
    return new Result(pseudonyms.size(), projects.size(), affected);
  }

  private static Affected reprovision(HolderHome home, ProjectSpec spec, String by, long present,
      List<ReleasedOutputs.Item> naming, List<ReleasedOutputs.Item> unknown) {
    String id = spec.projectId();
    List<String> zones = ExtractExport.exportedTo(home, id);
    ProjectDeletion.Record deleted = ProjectDeletion.delete(home, id, by + " (opt-out)");
    ExtractProvisioner.Result again = ExtractProvisioner.provision(home, spec);
    for (String z : zones) {
      ExtractExport.export(home, id, Path.of(z), null);
    }
    String note = "re-provisioned without them: " + again.persons() + " persons (old extract's keys destroyed at "
        + deleted.deletedAt() + ")" + (zones.isEmpty() ? "" : "; exported again to " + zones);
    HolderAudit.record(home, "opt-out.reprovisioned", Map.of("project", id, "persons", again.persons(),
        "exportedTo", zones, "actor", by));
    return new Affected(id, present, true, note, naming, unknown);
  }

  private static List<String> projects(HolderHome home) {
    if (!Files.isDirectory(home.extracts())) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(home.extracts())) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".manifest.json"))
          .map(n -> n.substring(0, n.length() - ".manifest.json".length())).sorted().toList();
    } catch (IOException e) {
      throw new OptOutException("cannot list extracts in " + home.extracts() + ": " + e.getMessage(), e);
    }
  }

  private static List<String> projectPseudonyms(Prf prf, Set<String> storePseudonyms) {
    List<String> out = new ArrayList<>();
    try {
      for (String p : storePseudonyms) {
        out.add(StoreBuilder.pseudonym("Q", prf, p.getBytes(StandardCharsets.UTF_8)));
      }
    } catch (GeneralSecurityException e) {
      throw new OptOutException("cannot derive project pseudonyms: " + e.getMessage(), e);
    }
    return out;
  }

  /** How many of the given project pseudonyms appear anywhere in the project's extract. */
  private static long presentIn(HolderHome home, String projectId, List<String> q) {
    try (PrivateScratch scratch = PrivateScratch.create("opt-out-check")) {
      SealedExtract.Opened opened = SealedExtract.open(SealedExtract.manifestPath(home.extracts(), projectId),
          projectId, home.extractVault(), scratch);
      String person = opened.manifest().personColumn();
      String union = opened.manifest().tables().stream().filter(t -> t.column(person).isPresent())
          .map(ExtractManifest.Table::name).map(t -> "SELECT " + person + " AS p FROM " + t)
          .collect(Collectors.joining(" UNION "));
      if (union.isEmpty()) {
        return 0;
      }
      try (Connection c = Duck.open(opened.database())) {
        return Duck.queryLong(c, "SELECT count(DISTINCT p) FROM (" + union + ") WHERE p IN ("
            + q.stream().map(Duck::literal).collect(Collectors.joining(", ")) + ")");
      } catch (SQLException e) {
        throw new OptOutException("cannot read extract " + projectId + ": " + e.getMessage(), e);
      }
    }
  }

  private static long countInStore(HolderHome home, Set<String> pseudonyms) {
    if (!Files.exists(home.store())) {
      return 0;
    }
    try (PrivateScratch scratch = PrivateScratch.create("opt-out-store");
        Connection c = Duck.open(home.open(HolderHome.Holding.STORE, scratch))) {
      return Duck.queryLong(c, "SELECT count(*) FROM patient WHERE person_id IN ("
          + pseudonyms.stream().map(Duck::literal).collect(Collectors.joining(", ")) + ")");
    } catch (SQLException e) {
      throw new OptOutException("cannot read the store: " + e.getMessage(), e);
    }
  }
}
