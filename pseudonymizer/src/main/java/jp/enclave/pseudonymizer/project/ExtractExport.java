package jp.enclave.pseudonymizer.project;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jp.enclave.pseudonymizer.HolderAudit;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.sealed.KeyEncryptionKeys;
import jp.enclave.sealed.KeyVault;
import jp.enclave.sealed.PrivateFiles;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.extract.ExtractHome;
import jp.enclave.sealed.extract.SealedExtract;

/**
 * Gives a project's extract to another zone (the query gateway, the output checker) in that zone's
 * own home ({@link ExtractHome}): the sealed extract and manifest, that project's wrapped extract
 * key and the extract KEK's configuration, nothing else of the holder. The copy is opened once
 * from the zone home before it is handed over, then owned by the zone's OS user. Where a project
 * was exported is recorded, so deleting it also destroys the key copies there.
 */
public final class ExtractExport {
  public record Result(String projectId, Path zoneHome, List<String> files) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private ExtractExport() {}

  /**
   * Exports into {@code zoneHome}. {@code owner} (an OS user name, or null) becomes the owner of
   * what is written; without it, new files take the owner of an existing zone home. Changing
   * owners needs root: in production a provisioning unit runs this step.
   */
  public static Result export(HolderHome home, String projectId, Path zoneHome, String owner) {
    Path manifest = SealedExtract.manifestPath(home.extracts(), projectId);
    if (!Files.exists(manifest)) {
      HolderAudit.record(home, "project.export-refused", Map.of("project", projectId, "zone", zoneHome.toString(),
          "reason", "no extract"));
      throw new ProjectException("project " + projectId + " has no extract to export; provision it first");
    }
    ExtractHome zone = new ExtractHome(zoneHome.toAbsolutePath());
    String keyId = SealedExtract.readManifest(manifest).manifest().keyId();
    List<Path> written = new ArrayList<>();
    try {
      UserPrincipal principal = principal(zone.root(), owner);
      for (Path dir : List.of(zone.root(), zone.extracts(), zone.extractKeys().getParent(), zone.extractKeys(),
          zone.kekDir())) {
        if (!Files.exists(dir)) {
          PrivateFiles.createDirectory(dir);
          written.add(dir);
        }
      }
      copy(manifest.resolveSibling(SealedExtract.sealedPath(home.extracts(), projectId).getFileName()),
          SealedExtract.sealedPath(zone.extracts(), projectId), written);
      copy(manifest, SealedExtract.manifestPath(zone.extracts(), projectId), written);
      copy(home.root().resolve("keys/extract").resolve(keyId + ".tink"), zone.extractKeys().resolve(keyId + ".tink"),
          written);
      for (Path m : KeyEncryptionKeys.material(home.kekDir(), ExtractHome.KEK_NAME)) {
        copy(m, zone.kekDir().resolve(m.getFileName()), written);
      }
      try (PrivateScratch scratch = PrivateScratch.create("export-check")) {
        zone.open(projectId, scratch); // the zone home alone must open it
      }
      if (principal != null) {
        for (Path p : written) {
          Files.setOwner(p, principal);
        }
      }
      List<String> zones = new ArrayList<>(exportedTo(home, projectId));
      if (!zones.contains(zone.root().toString())) {
        zones.add(zone.root().toString());
        PrivateFiles.writeAtomically(exportsPath(home, projectId), JSON.writeValueAsBytes(zones));
      }
    } catch (IOException e) {
      throw new ProjectException("exporting " + projectId + " to " + zoneHome + " failed: " + e.getMessage(), e);
    }
    List<String> names = written.stream().filter(Files::isRegularFile).map(p -> zone.root().relativize(p).toString())
        .toList();
    Map<String, Object> audit = new LinkedHashMap<>();
    audit.put("project", projectId);
    audit.put("zone", zone.root().toString());
    audit.put("files", names);
    audit.put("owner", String.valueOf(owner));
    HolderAudit.record(home, "project.exported", audit);
    return new Result(projectId, zone.root(), names);
  }

  /** The zone homes a project's extract was exported to. */
  public static List<String> exportedTo(HolderHome home, String projectId) {
    Path p = exportsPath(home, projectId);
    if (!Files.exists(p)) {
      return List.of();
    }
    try {
      return JSON.readValue(p.toFile(), new TypeReference<List<String>>() {});
    } catch (IOException e) {
      throw new ProjectException("export record " + p + " is unreadable: " + e.getMessage(), e);
    }
  }

  /**
   * Destroys the project's key copy in every zone it was exported to and removes the extract there
   * (part of deletion: a key copy left in a zone would keep every copy of the extract readable).
   */
  static Withdrawal withdraw(HolderHome home, String projectId, String keyId) throws IOException {
    List<KeyVault.KeyDestruction> destroyed = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    for (String z : exportedTo(home, projectId)) {
      ExtractHome zone = new ExtractHome(Path.of(z));
      KeyVault copies = new KeyVault(zone.extractKeys(), KeyEncryptionKeys.open(home.kekDir(), ExtractHome.KEK_NAME));
      if (copies.exists(keyId)) {
        destroyed.add(copies.destroy(keyId));
      }
      for (Path p : List.of(SealedExtract.sealedPath(zone.extracts(), projectId),
          SealedExtract.manifestPath(zone.extracts(), projectId))) {
        if (Files.deleteIfExists(p)) {
          removed.add(p.toString());
        }
      }
    }
    Files.deleteIfExists(exportsPath(home, projectId));
    return new Withdrawal(destroyed, removed);
  }

  record Withdrawal(List<KeyVault.KeyDestruction> destroyed, List<String> removed) {}

  private static Path exportsPath(HolderHome home, String projectId) {
    return home.projects().resolve(projectId + ".exports.json");
  }

  private static void copy(Path from, Path to, List<Path> written) throws IOException {
    PrivateFiles.copyAtomically(from, to);
    written.add(to);
  }

  private static UserPrincipal principal(Path zoneRoot, String owner) throws IOException {
    var lookup = zoneRoot.getFileSystem().getUserPrincipalLookupService();
    if (owner != null) {
      return lookup.lookupPrincipalByName(owner);
    }
    return Files.exists(zoneRoot) ? Files.getOwner(zoneRoot) : null;
  }
}
