package jp.enclave.pseudonymizer;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import jp.enclave.pseudonymizer.source.SourceTable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** Hand-written source files for tests that need exact rows. */
public final class SourceFixture {
  private final Map<SourceTable, List<Object[]>> rows = new EnumMap<>(SourceTable.class);

  public SourceFixture add(SourceTable t, Object... values) {
    rows.computeIfAbsent(t, k -> new ArrayList<>()).add(values);
    return this;
  }

  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (SourceTable t : SourceTable.values()) {
      try (Writer w = Files.newBufferedWriter(dir.resolve(t.fileName()), StandardCharsets.UTF_8);
          CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').build())) {
        p.printRecord(t.header());
        for (Object[] r : rows.getOrDefault(t, List.of())) {
          p.printRecord(r);
        }
      }
    }
  }

  /** Appends the rows to source files already written (for example by the generator), headers kept. */
  public void append(Path dir) throws IOException {
    for (var e : rows.entrySet()) {
      try (Writer w = Files.newBufferedWriter(dir.resolve(e.getKey().fileName()), StandardCharsets.UTF_8,
              java.nio.file.StandardOpenOption.APPEND);
          CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').build())) {
        for (Object[] r : e.getValue()) {
          p.printRecord(r);
        }
      }
    }
  }
}
