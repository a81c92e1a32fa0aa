package jp.enclave.server.closure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A project's read-only archive: a directory of plain files (JSON, CSV, JSONL, the release
 * packages as they were downloaded), {@code manifest.json} listing each file with its SHA-256 and
 * size, and {@code SHA256SUMS} in {@code sha256sum -c} form. The archive's own hash is the
 * SHA-256 of {@code manifest.json}, which pins every file. Written under a temporary name and
 * renamed into place, so it exists whole or not at all; then files are made 0444 and folders 0555.
 * A run that finds the archive already in place (written by a run a crash interrupted before it
 * was recorded) verifies it against its manifest and takes it, so it is never written twice.
 */
public final class ProjectArchive {
  static final String MANIFEST = "manifest.json";
  static final String SUMS = "SHA256SUMS";
  static final String FORMAT = "enclave-project-archive/1";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ProjectArchive() {}

  /** The archive as written or found: its folder, its hash, its files in manifest order. */
  public record Written(Path dir, String sha256, List<Closure.ArchiveFile> files, boolean reused) {}

  /** Writes {@code files} (relative names, in order) as archive {@code name} under {@code root}, or takes the one there. */
  public static Written write(Path root, String name, String projectId, Map<String, byte[]> files) throws IOException {
    Path dir = root.resolve(name);
    if (Files.exists(dir.resolve(MANIFEST))) {
      return verify(dir, true);
    }
    Files.createDirectories(root);
    try (Stream<Path> s = Files.list(root)) {
      for (Path leftover : s.filter(p -> p.getFileName().toString().startsWith("." + name + ".partial-")).toList()) {
        removeTree(leftover);
      }
    }
    Path tmp = root.resolve("." + name + ".partial-" + UUID.randomUUID());
    Files.createDirectories(tmp);
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("format", FORMAT);
    manifest.put("project", projectId);
    manifest.put("createdAt", java.time.Instant.now().toString());
    ArrayNode list = manifest.putArray("files");
    List<Closure.ArchiveFile> out = new ArrayList<>();
    StringBuilder sums = new StringBuilder();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      String n = f.getKey();
      if (n.startsWith("/") || n.contains("..") || n.equals(MANIFEST) || n.equals(SUMS)) {
        throw new IllegalArgumentException("archive file name not allowed: " + n);
      }
      Path p = tmp.resolve(n);
      Files.createDirectories(p.getParent());
      Files.write(p, f.getValue());
      String digest = sha256(f.getValue());
      list.addObject().put("name", n).put("sha256", digest).put("bytes", f.getValue().length);
      out.add(new Closure.ArchiveFile(n, digest, f.getValue().length));
      sums.append(digest).append("  ").append(n).append('\n');
    }
    byte[] m = JSON.writeValueAsBytes(manifest);
    Files.write(tmp.resolve(MANIFEST), m);
    sums.append(sha256(m)).append("  ").append(MANIFEST).append('\n');
    Files.writeString(tmp.resolve(SUMS), sums.toString(), StandardCharsets.UTF_8);
    readOnly(tmp);
    try {
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the archive folder " + root + " does not allow an atomic rename", e);
    }
    return new Written(dir, sha256(m), out, false);
  }

  /** Re-hashes every file against the manifest; throws naming the first file that does not match. */
  public static Written verify(Path dir, boolean reused) throws IOException {
    byte[] m = Files.readAllBytes(dir.resolve(MANIFEST));
    JsonNode manifest = JSON.readTree(m);
    if (!FORMAT.equals(manifest.path("format").asText())) {
      throw new IOException("archive " + dir + ": not a " + FORMAT + " manifest");
    }
    List<Closure.ArchiveFile> out = new ArrayList<>();
    for (JsonNode f : manifest.path("files")) {
      String n = f.path("name").asText();
      Path p = dir.resolve(n).normalize();
      if (!p.startsWith(dir) || !Files.isRegularFile(p)) {
        throw new IOException("archive " + dir + ": file " + n + " of the manifest is missing");
      }
      byte[] b = Files.readAllBytes(p);
      String digest = sha256(b);
      if (!digest.equals(f.path("sha256").asText()) || b.length != f.path("bytes").asLong()) {
        throw new IOException("archive " + dir + ": file " + n + " does not match its manifest (SHA-256 " + digest + ")");
      }
      out.add(new Closure.ArchiveFile(n, digest, b.length));
    }
    return new Written(dir, sha256(m), out, reused);
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Folders 0555 and files 0444, deepest first (the rename into place still works: it changes the parent). */
  private static void readOnly(Path dir) throws IOException {
    List<Path> all;
    try (Stream<Path> s = Files.walk(dir)) {
      all = s.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : all) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "r-xr-xr-x" : "r--r--r--"));
    }
  }

  private static void removeTree(Path p) throws IOException {
    List<Path> all;
    try (Stream<Path> s = Files.walk(p)) {
      all = s.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path x : all) {
      if (Files.isDirectory(x)) {
        Files.setPosixFilePermissions(x, PosixFilePermissions.fromString("rwx------"));
      }
    }
    for (Path x : all) {
      Files.deleteIfExists(x);
    }
  }

  /** Orders files as given (a LinkedHashMap keeps the archive's layout stable). */
  static Map<String, byte[]> files() {
    return new LinkedHashMap<>();
  }
}
