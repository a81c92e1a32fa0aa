package jp.enclave.pseudonymizer.project;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import jp.enclave.pseudonymizer.HolderAudit;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.sealed.KeyVault;
import jp.enclave.sealed.PrivateFiles;
import jp.enclave.sealed.extract.SealedExtract;

/**
 * Ends a project's data (the law's erasure duty): destroys its extract key and its pseudonym key
 * first, and its key copies in every zone it was exported to, so every copy of the sealed extract,
 * backups included, is unreadable; then removes the files and writes a deletion record.
 */
public final class ProjectDeletion {
  public record Record(String projectId, Instant deletedAt, String requestedBy, String sealedSha256,
      List<KeyVault.KeyDestruction> destroyedKeys, List<String> removedFiles) {}

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .findAndRegisterModules();

  private ProjectDeletion() {}

  public static Record delete(HolderHome home, String projectId, String requestedBy) {
    Path manifest = SealedExtract.manifestPath(home.extracts(), projectId);
    Path sealed = SealedExtract.sealedPath(home.extracts(), projectId);
    KeyVault extracts = home.extractVault();
    KeyVault holder = home.holderVault();
    String sealKey = HolderHome.extractKey(projectId);
    String prfKey = HolderHome.projectPrfKey(projectId);
    if (!Files.exists(manifest) && !extracts.exists(sealKey) && !holder.exists(prfKey)) {
      HolderAudit.record(home, "project.delete-refused", java.util.Map.of("project", projectId,
          "requestedBy", requestedBy, "reason", "no extract or keys"));
      throw new ProjectException("project " + projectId + " has no extract or keys to delete");
    }
    HolderAudit.record(home, "project.delete-requested", java.util.Map.of("project", projectId,
        "requestedBy", requestedBy));
    String digest = Files.exists(manifest) ? SealedExtract.readManifest(manifest).sealedSha256() : null;
    List<KeyVault.KeyDestruction> destroyed = new ArrayList<>();
    if (extracts.exists(sealKey)) {
      destroyed.add(extracts.destroy(sealKey));
    }
    if (holder.exists(prfKey)) {
      destroyed.add(holder.destroy(prfKey));
    }
    List<String> removed = new ArrayList<>();
    try {
      ExtractExport.Withdrawal copies = ExtractExport.withdraw(home, projectId, sealKey);
      destroyed.addAll(copies.destroyed());
      for (Path p : List.of(sealed, manifest)) {
        if (Files.deleteIfExists(p)) {
          removed.add(p.getFileName().toString());
        }
      }
      removed.addAll(copies.removed());
      Record record = new Record(projectId, Instant.now(), requestedBy, digest, destroyed, removed);
      PrivateFiles.writeAtomically(home.deletions().resolve(projectId + "-" + record.deletedAt().toEpochMilli() + ".json"),
          JSON.writeValueAsBytes(record));
      HolderAudit.record(home, "project.deleted", java.util.Map.of("project", projectId, "requestedBy", requestedBy,
          "destroyedKeys", destroyed.stream().map(k -> k.keyId() + ":" + k.wrappedKeySha256()).toList(),
          "removedFiles", removed, "sealedSha256", String.valueOf(digest)));
      return record;
    } catch (IOException e) {
      throw new ProjectException("keys of " + projectId + " are destroyed, but removing its files failed: "
          + e.getMessage(), e);
    }
  }
}
