package jp.enclave.checker.input;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import jp.enclave.checker.Refusal;

/**
 * Reads a text item (code, notes, SVG, a printed model summary) within the limits, through the
 * same strict UTF-8 decoder as tables, so a bad byte is reported with its offset and line.
 */
public final class TextFiles {
  private TextFiles() {}

  public static String read(Path file, String name, InputLimits limits) throws Refusal {
    try {
      if (!Files.isRegularFile(file)) {
        throw InputRefusal.notFound(name);
      }
      long size = Files.size(file);
      if (size > limits.maxFileBytes()) {
        throw InputRefusal.tooLarge(name, size, limits.maxFileBytes());
      }
      FileKind kind = FileKind.sniff(file);
      if (kind == FileKind.ZIP) {
        ContainerGuard.inspect(file, name, limits);
        throw InputRefusal.unsupported(name, "archives are not exported as code or text; export the files themselves");
      }
      if (kind == FileKind.UNKNOWN_BINARY || kind == FileKind.PARQUET || (kind.isImage() && kind != FileKind.SVG)) {
        throw InputRefusal.unsupported(name, "the file is binary, not text");
      }
      StringWriter out = new StringWriter((int) Math.min(size, Integer.MAX_VALUE - 8));
      try (StrictUtf8Reader in = new StrictUtf8Reader(Files.newInputStream(file), name)) {
        in.transferTo(out);
      } catch (StrictUtf8Reader.Refused r) {
        throw r.refusal;
      }
      return out.toString();
    } catch (IOException e) {
      throw InputRefusal.io(name, e.getClass().getSimpleName());
    }
  }
}
