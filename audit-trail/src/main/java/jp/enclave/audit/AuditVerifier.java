package jp.enclave.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recomputes the chain of an audit trail from its first entry. Reports the first entry whose
 * sequence number, link to its predecessor or own hash does not hold.
 */
public final class AuditVerifier {
  private AuditVerifier() {}

  /** {@code brokenAt} is the 0-based line of the first bad entry, or -1 when the chain holds. */
  public record Result(boolean ok, long entries, String headHash, long brokenAt, String problem) {}

  /**
   * Sees each entry once its link and hash hold, in order: its 0-based position, its fields as
   * read (without {@code hash}) and its hash. A reader that searches or compares a trail against
   * heads witnessed elsewhere needs both in one pass, with the chain rule applied in one place.
   */
  @FunctionalInterface
  public interface Visitor {
    void verified(long index, Map<String, Object> entry, String hash);
  }

  public static Result verify(Path file) {
    return verify(file, (i, e, h) -> { });
  }

  public static Result verify(Path file, Visitor visitor) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return verify(in, visitor);
    } catch (IOException e) {
      return new Result(false, 0, AuditLog.GENESIS, 0, "unreadable: " + e.getMessage());
    }
  }

  /**
   * The entries of a trail another process is still appending to: only lines already ended by a
   * newline are verified, so an entry caught half-written is not yet part of the trail (rather than
   * a break). Opening a trail to extend it ({@link AuditLog#open}) still treats a torn last line as
   * broken.
   */
  public static Result verifyCompleteLines(Path file, Visitor visitor) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      return new Result(false, 0, AuditLog.GENESIS, 0, "unreadable: " + e.getMessage());
    }
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--;
    }
    try (BufferedReader in = new BufferedReader(new java.io.StringReader(new String(bytes, 0, end, StandardCharsets.UTF_8)))) {
      return verify(in, visitor);
    } catch (IOException e) {
      return new Result(false, 0, AuditLog.GENESIS, 0, "unreadable: " + e.getMessage());
    }
  }

  private static Result verify(BufferedReader in, Visitor visitor) throws IOException {
    String prev = AuditLog.GENESIS;
    long n = 0;
    String line;
      while ((line = in.readLine()) != null) {
        Map<String, Object> entry;
        try {
          entry = AuditLog.JSON.readValue(line, new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (IOException e) {
          return new Result(false, n, prev, n, "not a JSON entry");
        }
        Object seq = entry.get("seq");
        if (!(seq instanceof Number num) || num.longValue() != n) {
          return new Result(false, n, prev, n, "sequence number " + seq + " where " + n + " was expected (entry removed, inserted or reordered)");
        }
        if (!prev.equals(entry.get("prev"))) {
          return new Result(false, n, prev, n, "does not link to the previous entry's hash");
        }
        Object claimed = entry.remove("hash");
        String actual = AuditLog.hash(prev, AuditLog.canonical(entry));
        if (!actual.equals(claimed)) {
          return new Result(false, n, prev, n, "content does not match its hash (entry changed)");
        }
        prev = actual;
        visitor.verified(n, entry, actual);
        n++;
      }
    return new Result(true, n, prev, -1, "");
  }
}
