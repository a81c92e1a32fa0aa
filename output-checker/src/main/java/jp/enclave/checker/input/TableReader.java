package jp.enclave.checker.input;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import jp.enclave.checker.Refusal;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads an export's table (CSV, TSV or Parquet) into a {@link RawTable}, enforcing the limits and
 * refusing broken or hostile input with an {@link Refusal}. Never modifies the file.
 */
public final class TableReader {
  private final InputLimits limits;

  public TableReader(InputLimits limits) {
    this.limits = limits;
  }

  public RawTable read(Path file, String name) throws Refusal {
    if (!Files.isRegularFile(file)) {
      throw InputRefusal.notFound(name);
    }
    long size;
    FileKind kind;
    try {
      size = Files.size(file);
      kind = FileKind.sniff(file);
    } catch (IOException e) {
      throw InputRefusal.io(name, e.getClass().getSimpleName());
    }
    if (size > limits.maxFileBytes()) {
      throw InputRefusal.tooLarge(name, size, limits.maxFileBytes());
    }
    switch (kind) {
      case CSV:
        return readDelimited(file, name, ',');
      case TSV:
        return readDelimited(file, name, '\t');
      case TEXT:
        return readDelimited(file, name, sniffDelimiter(file, name));
      case PARQUET:
        return readParquet(file, name);
      case ZIP: {
        ContainerGuard.ContainerSummary s = ContainerGuard.inspect(file, name, limits);
        throw InputRefusal.unsupported(name, (s.looksLikeOfficeDocument() ? "spreadsheet/office documents"
            : "zip archives") + " are not read as tables; export each table as CSV, TSV or Parquet");
      }
      default:
        throw InputRefusal.unsupported(name, "a " + kind.name().toLowerCase(java.util.Locale.ROOT)
            + " file is not a table; export tables as CSV, TSV or Parquet");
    }
  }

  private char sniffDelimiter(Path file, String name) throws Refusal {
    try (InputStream in = Files.newInputStream(file)) {
      String head = new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8);
      int nl = head.indexOf('\n');
      String first = nl < 0 ? head : head.substring(0, nl);
      return first.chars().filter(c -> c == '\t').count() > first.chars().filter(c -> c == ',').count() ? '\t' : ',';
    } catch (IOException e) {
      throw InputRefusal.io(name, e.getClass().getSimpleName());
    }
  }

  private RawTable readDelimited(Path file, String name, char delimiter) throws Refusal {
    CSVFormat format = CSVFormat.RFC4180.builder()
        .setDelimiter(delimiter)
        .setIgnoreEmptyLines(true)
        .setTrim(false)
        .build();
    List<String> header = null;
    List<String[]> rows = new ArrayList<>();
    List<Long> lines = new ArrayList<>();
    long cells = 0;
    long previousLine = 0;
    try (StrictUtf8Reader reader = new StrictUtf8Reader(Files.newInputStream(file), name);
         CSVParser parser = format.parse(reader)) {
      Iterator<CSVRecord> it = parser.iterator();
      while (true) {
        CSVRecord rec;
        try {
          if (!it.hasNext()) {
            break;
          }
          rec = it.next();
        } catch (UncheckedIOException e) {
          throw unwrap(e.getCause(), name, previousLine + 1);
        } catch (IllegalStateException e) {
          throw InputRefusal.malformedCsv(name, previousLine + 1, cleanMessage(e));
        }
        long line = previousLine + 1;
        previousLine = parser.getCurrentLineNumber();
        String[] values = rec.values();
        if (header == null) {
          header = headerOf(values, name);
          checkCells(values, name, line, null);
          continue;
        }
        if (values.length != header.size()) {
          throw InputRefusal.ragged(name, line, values.length, header.size());
        }
        if (rows.size() >= limits.maxRows()) {
          throw InputRefusal.tooManyRows(name, line, limits.maxRows());
        }
        cells += values.length;
        if (cells > limits.maxCells()) {
          throw InputRefusal.tooManyCells(name, cells, limits.maxCells());
        }
        checkCells(values, name, line, header);
        rows.add(values);
        lines.add(line);
      }
    } catch (StrictUtf8Reader.Refused r) {
      throw r.refusal;
    } catch (IOException e) {
      throw unwrap(e, name, previousLine + 1);
    }
    if (header == null || rows.isEmpty()) {
      throw InputRefusal.empty(name);
    }
    long[] lineOfRow = lines.stream().mapToLong(Long::longValue).toArray();
    return new RawTable(name, List.copyOf(header), rows, lineOfRow);
  }

  private static Refusal unwrap(Throwable e, String name, long line) {
    Throwable t = e;
    while (t != null) {
      if (t instanceof StrictUtf8Reader.Refused r) {
        return r.refusal;
      }
      t = t.getCause();
    }
    return InputRefusal.malformedCsv(name, line, cleanMessage(e));
  }

  // commons-csv messages are precise but mention internal positions; keep the first sentence.
  private static String cleanMessage(Throwable e) {
    String m = e == null || e.getMessage() == null ? "unknown parse error" : e.getMessage();
    int nl = m.indexOf('\n');
    return nl > 0 ? m.substring(0, nl) : m;
  }

  private List<String> headerOf(String[] values, String name) throws Refusal {
    List<String> header = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String v : values) {
      String h = v.strip();
      if (!h.isEmpty() && !seen.add(h)) {
        throw InputRefusal.duplicateHeader(name, h);
      }
      header.add(h);
    }
    return header;
  }

  private void checkCells(String[] values, String name, long line, List<String> header) throws Refusal {
    for (int c = 0; c < values.length; c++) {
      String v = values[c];
      if (v.length() > limits.maxCellChars()) {
        throw InputRefusal.cellTooLong(name, line, where(header, c), v.length(), limits.maxCellChars());
      }
      if (FormulaGuard.isFormula(v)) {
        throw InputRefusal.formula(name, line, where(header, c), v);
      }
    }
  }

  private static String where(List<String> header, int c) {
    return header == null ? "header " + (c + 1) : columnName(header, c);
  }

  static String columnName(List<String> header, int c) {
    String h = header.get(c);
    return (c + 1) + (h.isEmpty() ? "" : " '" + InputRefusal.preview(h) + "'");
  }

  private RawTable readParquet(Path file, String name) throws Refusal {
    String lit = DuckDbConnections.literal(file.toAbsolutePath().toString());
    try (Connection c = DuckDbConnections.inMemory(); Statement s = c.createStatement()) {
      s.execute("SET threads TO 2");
      long rowsDeclared;
      long uncompressed;
      try (ResultSet rs = s.executeQuery("SELECT coalesce(sum(num_rows),0) FROM parquet_file_metadata(" + lit + ")")) {
        rs.next();
        rowsDeclared = rs.getLong(1);
      }
      try (ResultSet rs = s.executeQuery(
          "SELECT coalesce(sum(total_uncompressed_size),0), count(DISTINCT column_id) FROM parquet_metadata(" + lit + ")")) {
        rs.next();
        uncompressed = rs.getLong(1);
      }
      if (rowsDeclared > limits.maxRows()) {
        throw InputRefusal.tooManyRows(name, rowsDeclared + 1, limits.maxRows());
      }
      if (uncompressed > limits.maxUncompressedBytes()) {
        throw InputRefusal.containerTooLarge(name, "its column chunks expand to " + uncompressed + " bytes, over the limit of "
            + limits.maxUncompressedBytes());
      }
      try (ResultSet rs = s.executeQuery("SELECT * FROM read_parquet(" + lit + ")")) {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
          names[i] = md.getColumnLabel(i + 1);
        }
        List<String> header = headerOf(names, name);
        checkCells(names, name, 0, null);
        if ((long) n * rowsDeclared > limits.maxCells()) {
          throw InputRefusal.tooManyCells(name, (long) n * rowsDeclared, limits.maxCells());
        }
        List<String[]> rows = new ArrayList<>();
        while (rs.next()) {
          String[] v = new String[n];
          for (int i = 0; i < n; i++) {
            Object o = rs.getObject(i + 1);
            v[i] = o == null ? "" : o.toString();
          }
          checkCells(v, name, rows.size() + 1, header);
          rows.add(v);
        }
        if (rows.isEmpty()) {
          throw InputRefusal.empty(name);
        }
        long[] lineOfRow = new long[rows.size()];
        for (int i = 0; i < lineOfRow.length; i++) {
          lineOfRow[i] = i + 1; // Parquet has no lines: report the 1-based row number
        }
        return new RawTable(name, List.copyOf(header), rows, lineOfRow);
      }
    } catch (SQLException e) {
      throw InputRefusal.parquet(name, cleanMessage(e).replace(file.toAbsolutePath().toString(), name));
    }
  }
}
