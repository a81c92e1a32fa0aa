package jp.enclave.checker.input;

import java.util.List;

/**
 * A table as read from a file: a header and rectangular rows of strings, before any
 * statistical interpretation. Line numbers are kept so findings can point into the file.
 */
public record RawTable(String source, List<String> header, List<String[]> rows, long[] lineOfRow) {

  public int columnCount() { return header.size(); }

  public int rowCount() { return rows.size(); }

  public String cell(int row, int col) { return rows.get(row)[col]; }

  /** File line of a data row (1-based; the header is line 1 for CSV). */
  public long line(int row) { return lineOfRow == null ? row + 2 : lineOfRow[row]; }
}
