package jp.enclave.checker.input;

import jp.enclave.checker.Refusal;

/**
 * Refusals of files the checker will not read: one named factory per reason, so every refusal
 * reads the same and can be grepped. Each returns the checker's one {@link Refusal} type.
 */
public final class InputRefusal {
  private InputRefusal() {}

  // Every refusal comes from a named factory so each reads the same and can be grepped.

  public static Refusal notFound(String file) {
    return new Refusal("FILE_NOT_FOUND", file, "", "the file does not exist or is not a regular file");
  }

  public static Refusal outsideRequest(String file) {
    return new Refusal("PATH_OUTSIDE_REQUEST", file, "",
        "the file is outside the export request's folder; only files inside it can be exported");
  }

  public static Refusal tooLarge(String file, long size, long limit) {
    return new Refusal("FILE_TOO_LARGE", file, "",
        "the file is " + size + " bytes; the limit is " + limit + " bytes");
  }

  public static Refusal tooManyRows(String file, long line, long limit) {
    return new Refusal("TOO_MANY_ROWS", file, "line " + line,
        "the table has more than " + limit + " rows; split it or aggregate further");
  }

  public static Refusal tooManyCells(String file, long cells, long limit) {
    return new Refusal("TOO_MANY_CELLS", file, "",
        "the table has " + cells + " cells; the limit is " + limit);
  }

  public static Refusal cellTooLong(String file, long line, String column, int length, int limit) {
    return new Refusal("CELL_TOO_LONG", file, "line " + line + ", column " + column,
        "a cell holds " + length + " characters; the limit is " + limit);
  }

  public static Refusal badEncoding(String file, long byteOffset, long line, String guess) {
    return new Refusal("ENCODING_INVALID", file, "byte offset " + byteOffset + ", line " + line,
        "the bytes here are not valid UTF-8" + (guess.isEmpty() ? "" : " (they look like " + guess + ")")
            + "; save the whole file as UTF-8");
  }

  public static Refusal utf16(String file) {
    return new Refusal("ENCODING_INVALID", file, "byte offset 0",
        "the file starts with a UTF-16 byte order mark; save it as UTF-8");
  }

  public static Refusal binaryInText(String file, long byteOffset, long line) {
    return new Refusal("BINARY_CONTENT", file, "byte offset " + byteOffset + ", line " + line,
        "the file holds a NUL byte, so it is not a text table");
  }

  public static Refusal malformedCsv(String file, long line, String detail) {
    return new Refusal("CSV_MALFORMED", file, "line " + line, "the CSV cannot be parsed: " + detail);
  }

  public static Refusal ragged(String file, long line, int fields, int expected) {
    return new Refusal("RAGGED_ROW", file, "line " + line,
        "this row has " + fields + " fields but the header has " + expected);
  }

  public static Refusal empty(String file) {
    return new Refusal("EMPTY_TABLE", file, "", "the table has no header or no data rows");
  }

  public static Refusal duplicateHeader(String file, String name) {
    return new Refusal("DUPLICATE_HEADER", file, "line 1", "the column name '" + name + "' appears twice");
  }

  public static Refusal formula(String file, long line, String column, String cell) {
    return new Refusal("FORMULA_INJECTION", file, "line " + line + ", column " + column,
        "the cell starts like a spreadsheet formula (" + preview(cell)
            + "); formulas are refused because they run when the file is opened");
  }

  public static Refusal notANumber(String file, long line, String column, String cell) {
    return new Refusal("NON_NUMERIC_CELL", file, "line " + line + ", column " + column,
        "the measure cell '" + preview(cell) + "' is not a number");
  }

  public static Refusal containerTooLarge(String file, String detail) {
    return new Refusal("CONTAINER_TOO_LARGE", file, "", detail + "; refused as a possible zip bomb");
  }

  public static Refusal unsupported(String file, String detail) {
    return new Refusal("UNSUPPORTED_FORMAT", file, "", detail);
  }

  public static Refusal parquet(String file, String detail) {
    return new Refusal("PARQUET_UNREADABLE", file, "", "the Parquet file cannot be read: " + detail);
  }

  public static Refusal badDeclaration(String file, String detail) {
    return new Refusal("BAD_DECLARATION", file, "", detail);
  }

  public static Refusal io(String file, String detail) {
    return new Refusal("READ_FAILED", file, "", "the file cannot be read: " + detail);
  }

  /** Shows at most 40 characters of an untrusted cell, with control characters made visible. */
  static String preview(String cell) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cell.length() && sb.length() < 40; i++) {
      char c = cell.charAt(i);
      sb.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return cell.length() > 40 ? sb + "…" : sb.toString();
  }
}
