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

  /** What a resumable deletion found: deleted now, deleted by an earlier run, or nothing there ever. */
  public enum Status { DELETED, ALREADY_DELETED, NOTHING_TO_DELETE }

  /** A resumable deletion's answer: the record ({@code null} when there was nothing to delete). */
  public record Outcome(Status status, Record record) {}

  /**
   * As {@link #delete}, but a caller that died mid-way (the enclave server's job after a
   * {@code kill -9}) can run it again: under the project's lock, a deletion already done answers
   * with its record; one interrupted after some keys were destroyed finishes and names those keys
   * too (their digests are journalled before the first is destroyed); a project with nothing in
   * the holder's zone and no record answers {@link Status#NOTHING_TO_DELETE}, audited.
   */
  public static Outcome deleteOrResume(HolderHome home, String projectId, String requestedBy) {
    try {
      PrivateFiles.createDirectory(home.projects());
      PrivateFiles.createDirectory(home.deletions());
      Path lockFile = home.projects().resolve(projectId + ".lock");
      if (!Files.exists(lockFile)) {
        try {
          PrivateFiles.createFile(lockFile);
        } catch (jp.enclave.sealed.SealedStoreException raced) {
          // another run created it first
        }
      }
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(lockFile,
          java.nio.file.StandardOpenOption.WRITE); java.nio.channels.FileLock lock = ch.lock()) {
        return resumeLocked(home, projectId, requestedBy);
      }
    } catch (IOException e) {
      throw new ProjectException("deleting " + projectId + ": cannot take the project's lock in " + home.projects()
          + ": " + e.getMessage(), e);
    }
  }

  private static Outcome resumeLocked(HolderHome home, String projectId, String requestedBy) throws IOException {
    Path journal = home.deletions().resolve(projectId + ".pending.json");
    boolean left = Files.exists(SealedExtract.manifestPath(home.extracts(), projectId))
        || home.extractVault().exists(HolderHome.extractKey(projectId))
        || home.holderVault().exists(HolderHome.projectPrfKey(projectId));
    if (!left && !Files.exists(journal)) {
      java.util.Optional<Record> earlier = latestRecord(home, projectId);
      if (earlier.isPresent()) {
        return new Outcome(Status.ALREADY_DELETED, earlier.get());
      }
      HolderAudit.record(home, "project.delete-nothing", java.util.Map.of("project", projectId,
          "requestedBy", requestedBy, "reason", "no extract, keys or deletion record in the holder's zone"));
      return new Outcome(Status.NOTHING_TO_DELETE, null);
    }
    Pending pending = journal(home, projectId);
    Record r = delete(home, projectId, requestedBy, pending);
    Files.deleteIfExists(journal);
    return new Outcome(Status.DELETED, r);
  }

  /** The journal of a deletion under way: read if an earlier run wrote it, else written now. */
  static Pending journal(HolderHome home, String projectId) throws IOException {
    Path journal = home.deletions().resolve(projectId + ".pending.json");
    if (Files.exists(journal)) {
      return JSON.readValue(journal.toFile(), Pending.class);
    }
    Path manifest = SealedExtract.manifestPath(home.extracts(), projectId);
    Pending pending = new Pending(projectId,
        Files.exists(manifest) ? SealedExtract.readManifest(manifest).sealedSha256() : null,
        planned(home, "extract", HolderHome.extractKey(projectId)),
        planned(home, "holder", HolderHome.projectPrfKey(projectId)));
    PrivateFiles.createDirectory(home.deletions());
    PrivateFiles.writeAtomically(journal, JSON.writeValueAsBytes(pending));
    return pending;
  }

  /** Journalled before any key is destroyed: which holder keys the deletion destroys, by digest. */
  record Pending(String projectId, String sealedSha256, KeyVault.KeyDestruction extractKey,
      KeyVault.KeyDestruction prfKey) {}

  /** The vault's key file as {@link KeyVault#destroy} digests it (keys/<vault>/<id>.tink, wrapped by KEK <vault>). */
  private static KeyVault.KeyDestruction planned(HolderHome home, String vault, String keyId) throws IOException {
    Path f = home.root().resolve("keys").resolve(vault).resolve(keyId + ".tink");
    if (!Files.exists(f)) {
      return null;
    }
    try {
      String digest = java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
      return new KeyVault.KeyDestruction(keyId, jp.enclave.sealed.KeyEncryptionKeys.open(home.kekDir(), vault).id(),
          null, digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static java.util.Optional<Record> latestRecord(HolderHome home, String projectId) throws IOException {
    if (!Files.isDirectory(home.deletions())) {
      return java.util.Optional.empty();
    }
    try (var files = Files.list(home.deletions())) {
      java.util.Optional<Path> last = files.filter(f -> f.getFileName().toString()
          .matches(java.util.regex.Pattern.quote(projectId) + "-[0-9]+\\.json")).max(java.util.Comparator.naturalOrder());
      return last.isEmpty() ? java.util.Optional.empty()
          : java.util.Optional.of(JSON.readValue(last.get().toFile(), Record.class));
    }
  }

  public static Record delete(HolderHome home, String projectId, String requestedBy) {
    return delete(home, projectId, requestedBy, null);
  }

  private static Record delete(HolderHome home, String projectId, String requestedBy, Pending pending) {
    Path manifest = SealedExtract.manifestPath(home.extracts(), projectId);
    Path sealed = SealedExtract.sealedPath(home.extracts(), projectId);
    KeyVault extracts = home.extractVault();
    KeyVault holder = home.holderVault();
    String sealKey = HolderHome.extractKey(projectId);
    String prfKey = HolderHome.projectPrfKey(projectId);
    if (pending == null && !Files.exists(manifest) && !extracts.exists(sealKey) && !holder.exists(prfKey)) {
      HolderAudit.record(home, "project.delete-refused", java.util.Map.of("project", projectId,
          "requestedBy", requestedBy, "reason", "no extract or keys"));
      throw new ProjectException("project " + projectId + " has no extract or keys to delete");
    }
    HolderAudit.record(home, "project.delete-requested", java.util.Map.of("project", projectId,
        "requestedBy", requestedBy));
    String digest = pending != null ? pending.sealedSha256()
        : Files.exists(manifest) ? SealedExtract.readManifest(manifest).sealedSha256() : null;
    List<KeyVault.KeyDestruction> destroyed = new ArrayList<>();
    if (extracts.exists(sealKey)) {
      destroyed.add(extracts.destroy(sealKey));
    } else if (pending != null && pending.extractKey() != null) {
      destroyed.add(pending.extractKey()); // destroyed by the interrupted run
    }
    if (holder.exists(prfKey)) {
      destroyed.add(holder.destroy(prfKey));
    } else if (pending != null && pending.prfKey() != null) {
      destroyed.add(pending.prfKey());
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
