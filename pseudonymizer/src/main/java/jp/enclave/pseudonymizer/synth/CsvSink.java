package jp.enclave.pseudonymizer.synth;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jp.enclave.sealed.PrivateFiles;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** One UTF-8 CSV file being written, with a back door for deliberately broken bytes. */
final class CsvSink implements AutoCloseable {
  static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').build();

  private final OutputStream out;
  private final Writer writer;
  private final CSVPrinter printer;
  private long rows;

  CsvSink(Path file, List<String> header) throws IOException {
    // Identifying source: owner-only from the first byte.
    Files.deleteIfExists(file);
    PrivateFiles.createFile(file);
    out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    printer = new CSVPrinter(writer, FORMAT);
    printer.printRecord(header);
  }

  void row(Object... values) throws IOException {
    printer.printRecord(values);
    rows++;
  }

  /** Writes a pre-encoded record (for invalid UTF-8 or ragged rows a CSV library won't produce). */
  void rawRow(byte[] line) throws IOException {
    printer.flush();
    writer.flush();
    out.write(line);
    out.write('\n');
    rows++;
  }

  long rows() {
    return rows;
  }

  @Override
  public void close() throws IOException {
    printer.close(true);
  }
}
