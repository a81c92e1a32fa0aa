package jp.enclave.sealed;

import com.google.crypto.tink.StreamingAead;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;

/**
 * Whole-file authenticated encryption. The associated data names what the file is (its kind and
 * owner), so a sealed file swapped for another project's does not open.
 */
public final class SealedFiles {
  private SealedFiles() {}

  /** Seals {@code plaintext} into {@code sealed}, written to a temp file and moved into place. */
  public static void seal(Path plaintext, Path sealed, StreamingAead key, byte[] associatedData) {
    Path dir = sealed.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + sealed.getFileName() + "." + System.nanoTime() + ".tmp");
    try {
      PrivateFiles.createDirectory(dir);
      PrivateFiles.createFile(tmp);
      try (InputStream in = Files.newInputStream(plaintext);
          OutputStream out = key.newEncryptingStream(Files.newOutputStream(tmp), associatedData)) {
        in.transferTo(out);
      }
      Files.move(tmp, sealed, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | GeneralSecurityException e) {
      throw new SealedStoreException("could not seal " + plaintext + " into " + sealed + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // The move succeeded or the seal failed; either way a leftover temp holds ciphertext only.
      }
    }
  }

  /**
   * Decrypts {@code sealed} into {@code plaintext}, which must not exist yet. Any tampering or a
   * wrong key fails here, and the partial plaintext is removed.
   */
  public static void unseal(Path sealed, Path plaintext, StreamingAead key, byte[] associatedData) {
    try {
      PrivateFiles.createFile(plaintext);
      try (InputStream in = key.newDecryptingStream(Files.newInputStream(sealed), associatedData);
          OutputStream out = Files.newOutputStream(plaintext)) {
        in.transferTo(out);
      }
    } catch (IOException | GeneralSecurityException e) {
      deleteQuietly(plaintext);
      throw new SealedStoreException(
          "cannot open sealed file " + sealed.getFileName()
              + ": authentication failed (wrong key, wrong owner, or the file was altered)", e);
    }
  }

  /** Opens a decrypting stream, for sealed content read once (for example a sealed CSV). */
  public static InputStream open(Path sealed, StreamingAead key, byte[] associatedData) {
    try {
      return key.newDecryptingStream(Files.newInputStream(sealed), associatedData);
    } catch (IOException | GeneralSecurityException e) {
      throw new SealedStoreException("cannot open sealed file " + sealed.getFileName() + ": " + e.getMessage(), e);
    }
  }

  /** Opens an encrypting stream onto a new owner-only file. */
  public static OutputStream create(Path sealed, StreamingAead key, byte[] associatedData) {
    try {
      PrivateFiles.createDirectory(sealed.toAbsolutePath().getParent());
      PrivateFiles.createFile(sealed);
      return key.newEncryptingStream(Files.newOutputStream(sealed), associatedData);
    } catch (IOException | GeneralSecurityException e) {
      throw new SealedStoreException("cannot create sealed file " + sealed + ": " + e.getMessage(), e);
    }
  }

  /** Seals a small in-memory content (a register, a list) into an owner-only file, replaced atomically. */
  public static void sealBytes(byte[] plaintext, Path sealed, StreamingAead key, byte[] associatedData) {
    Path dir = sealed.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + sealed.getFileName() + "." + System.nanoTime() + ".tmp");
    try {
      try (OutputStream out = create(tmp, key, associatedData)) {
        out.write(plaintext);
      }
      Files.move(tmp, sealed, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new SealedStoreException("could not seal " + sealed + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /** Reads and authenticates a whole sealed file written by {@link #sealBytes}. */
  public static byte[] unsealBytes(Path sealed, StreamingAead key, byte[] associatedData) {
    try (InputStream in = open(sealed, key, associatedData)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new SealedStoreException("cannot open sealed file " + sealed.getFileName()
          + ": authentication failed (wrong key, wrong owner, or the file was altered)", e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // Best effort: a leftover is a temp in private scratch or ciphertext only.
    }
  }
}
