package jp.enclave.sealed;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Creates files and folders readable by their owner only, without a window where they are not. */
public final class PrivateFiles {
  private PrivateFiles() {}

  public static Path createDirectory(Path dir) throws IOException {
    return Files.createDirectories(
        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  public static Path createFile(Path file) throws IOException {
    try {
      return Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      throw new SealedStoreException("refusing to overwrite existing file " + file, e);
    }
  }

  /** Writes bytes to a new owner-only file and moves it into place atomically. */
  public static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    createDirectory(dir);
    Path tmp = dir.resolve("." + target.getFileName() + "." + System.nanoTime() + ".tmp");
    createFile(tmp);
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Copies a file to a new owner-only file moved into place atomically (ciphertext crossing zones). */
  public static void copyAtomically(Path source, Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    createDirectory(dir);
    Path tmp = dir.resolve("." + target.getFileName() + "." + System.nanoTime() + ".tmp");
    createFile(tmp);
    try {
      try (var in = Files.newInputStream(source); var out = Files.newOutputStream(tmp)) {
        in.transferTo(out);
      }
      Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
