package jp.enclave.pseudonymizer.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counts CSV records straight from the bytes, independently of the CSV reader, so the
 * reconciliation (input = accepted + quarantined) is checked against a second opinion. A
 * newline inside double quotes does not end a record.
 */
final class RecordCounter {
  private RecordCounter() {}

  /** Data records in the file, not counting the header line. */
  static long dataRecords(Path csv) {
    long records = 0;
    boolean quoted = false;
    boolean pending = false;
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(csv)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        for (int i = 0; i < n; i++) {
          byte b = buf[i];
          if (b == '"') {
            quoted = !quoted;
            pending = true;
          } else if (b == '\n' && !quoted) {
            records++;
            pending = false;
          } else if (b != '\r') {
            pending = true;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + csv, e);
    }
    if (pending) {
      records++;
    }
    return Math.max(0, records - 1);
  }
}
