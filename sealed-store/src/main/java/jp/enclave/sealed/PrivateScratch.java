package jp.enclave.sealed;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A private (0700) folder in RAM-backed storage where decrypted data may exist, removed on close.
 * Plaintext never touches a disk: the base must be tmpfs or ramfs, or opening fails.
 */
public final class PrivateScratch implements AutoCloseable {
  /** Overrides the RAM-backed base folder (default /dev/shm). */
  public static final String BASE_ENV = "ENCLAVE_SCRATCH_DIR";

  private static final Set<String> RAM_FILESYSTEMS = Set.of("tmpfs", "ramfs");

  private final Path dir;

  private PrivateScratch(Path dir) {
    this.dir = dir;
  }

  public static PrivateScratch create(String purpose) {
    String env = System.getenv(BASE_ENV);
    return create(Path.of(env == null || env.isBlank() ? "/dev/shm" : env), purpose);
  }

  public static PrivateScratch create(Path base, String purpose) {
    try {
      FileStore store = Files.getFileStore(base);
      if (!RAM_FILESYSTEMS.contains(store.type())) {
        throw new SealedStoreException("scratch base " + base + " is " + store.type()
            + ", not RAM-backed (tmpfs/ramfs): decrypted data must not be written to disk");
      }
      Path dir = base.resolve("enclave-" + purpose.replaceAll("[^A-Za-z0-9_-]", "_") + "-" + UUID.randomUUID());
      return new PrivateScratch(PrivateFiles.createDirectory(dir));
    } catch (IOException e) {
      throw new SealedStoreException("cannot create private scratch in " + base + ": " + e.getMessage(), e);
    }
  }

  public Path dir() {
    return dir;
  }

  /** A path inside the scratch for a file not yet created. */
  public Path resolve(String name) {
    if (name.contains("/") || name.startsWith(".")) {
      throw new SealedStoreException("invalid scratch file name " + name);
    }
    return dir.resolve(name);
  }

  @Override
  public void close() {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new SealedStoreException("could not remove private scratch " + dir + ": " + e.getMessage(), e);
    }
  }
}
