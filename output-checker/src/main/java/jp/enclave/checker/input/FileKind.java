package jp.enclave.checker.input;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What a file is, judged by its first bytes first and its name second (names can lie). */
public enum FileKind {
  CSV, TSV, PARQUET, ZIP, PNG, JPEG, GIF, SVG, PDF, TEXT, UNKNOWN_BINARY;

  public boolean isImage() {
    return this == PNG || this == JPEG || this == GIF || this == SVG || this == PDF;
  }

  public static FileKind sniff(Path file) throws IOException {
    byte[] head = new byte[512];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (startsWith(head, n, 'P', 'A', 'R', '1')) {
      return PARQUET;
    }
    if (startsWith(head, n, 'P', 'K', 3, 4) || startsWith(head, n, 'P', 'K', 5, 6)) {
      return ZIP;
    }
    if (startsWith(head, n, 0x89, 'P', 'N', 'G')) {
      return PNG;
    }
    if (startsWith(head, n, 0xff, 0xd8, 0xff)) {
      return JPEG;
    }
    if (startsWith(head, n, 'G', 'I', 'F', '8')) {
      return GIF;
    }
    if (startsWith(head, n, '%', 'P', 'D', 'F')) {
      return PDF;
    }
    String text = new String(head, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1).trim().toLowerCase(Locale.ROOT);
    if (name.endsWith(".svg") || text.startsWith("<svg") || (text.startsWith("<?xml") && text.contains("<svg"))) {
      return SVG;
    }
    if (name.endsWith(".parquet")) {
      return PARQUET; // no magic: the reader will refuse it with a precise reason
    }
    if (name.endsWith(".tsv") || name.endsWith(".tab")) {
      return TSV;
    }
    if (name.endsWith(".csv")) {
      return CSV;
    }
    for (int i = 0; i < n; i++) {
      if (head[i] == 0) {
        return UNKNOWN_BINARY;
      }
    }
    return TEXT;
  }

  private static boolean startsWith(byte[] head, int n, int... magic) {
    if (n < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((head[i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
