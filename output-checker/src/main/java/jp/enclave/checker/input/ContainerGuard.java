package jp.enclave.checker.input;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import jp.enclave.checker.Refusal;

/**
 * Inspects zip-based containers (.zip, .xlsx, .docx …) without extracting them to disk. Declared
 * sizes in a zip can lie, so every entry is inflated into a counting sink with a hard cap.
 */
public final class ContainerGuard {
  private ContainerGuard() {}

  /** Summary of a container that stayed within the limits. */
  public record ContainerSummary(int entries, long uncompressedBytes, boolean looksLikeOfficeDocument) {}

  public static ContainerSummary inspect(Path file, String name, InputLimits limits) throws Refusal {
    long compressed;
    try {
      compressed = Math.max(1, Files.size(file));
    } catch (IOException e) {
      throw InputRefusal.io(name, e.getClass().getSimpleName());
    }
    long total = 0;
    int entries = 0;
    boolean office = false;
    byte[] buf = new byte[64 * 1024];
    try (ZipInputStream zin = new ZipInputStream(Files.newInputStream(file))) {
      ZipEntry e;
      while ((e = zin.getNextEntry()) != null) {
        entries++;
        if (entries > limits.maxContainerEntries()) {
          throw InputRefusal.containerTooLarge(name, "it holds more than " + limits.maxContainerEntries() + " entries");
        }
        if ("[Content_Types].xml".equals(e.getName())) {
          office = true;
        }
        int r;
        while ((r = zin.read(buf)) > 0) {
          total += r;
          if (total > limits.maxUncompressedBytes()) {
            throw InputRefusal.containerTooLarge(name, "it expands to more than " + limits.maxUncompressedBytes() + " bytes");
          }
          if (total > 1_000_000 && (double) total / compressed > limits.maxCompressionRatio()) {
            throw InputRefusal.containerTooLarge(name, "it expands more than " + (long) limits.maxCompressionRatio()
                + " times its size (entry '" + InputRefusal.preview(e.getName()) + "')");
          }
        }
      }
    } catch (ZipException e) {
      throw InputRefusal.unsupported(name, "the zip container is corrupt: " + e.getMessage());
    } catch (IOException e) {
      throw InputRefusal.io(name, e.getClass().getSimpleName());
    }
    return new ContainerSummary(entries, total, office);
  }
}
