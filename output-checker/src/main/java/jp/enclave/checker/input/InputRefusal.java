package jp.enclave.checker.input;

/**
 * A file the checker refuses to read. Carries a stable code, where in the file the problem is,
 * and a sentence a researcher understands. Never wraps a stack trace for the user.
 */
public final class InputRefusal extends Exception {
  private final String code;
  private final String file;
  private final String where;

  private InputRefusal(String code, String file, String where, String message) {
    super(message, null, false, false);
    this.code = code;
    this.file = file;
    this.where = where;
  }

  public String code() { return code; }
  public String file() { return file; }
  /** Position in the file (line, column, byte offset), or "" when the whole file is concerned. */
  public String where() { return where; }

  /** One line: code, file, position and reason. */
  public String describe() {
    return code + ": " + file + (where.isEmpty() ? "" : " (" + where + ")") + ": " + getMessage();
  }

  // Every refusal comes from a named factory so each reads the same and can be grepped.

  public static InputRefusal notFound(String file) {
    return new InputRefusal("FILE_NOT_FOUND", file, "", "the file does not exist or is not a regular file");
  }

  public static InputRefusal outsideRequest(String file) {
    return new InputRefusal("PATH_OUTSIDE_REQUEST", file, "",
        "the file is outside the export request's folder; only files inside it can be exported");
  }

  public static InputRefusal tooLarge(String file, long size, long limit) {
    return new InputRefusal("FILE_TOO_LARGE", file, "",
        "the file is " + size + " bytes; the limit is " + limit + " bytes");
  }

  public static InputRefusal tooManyRows(String file, long line, long limit) {
    return new InputRefusal("TOO_MANY_ROWS", file, "line " + line,
        "the table has more than " + limit + " rows; split it or aggregate further");
  }

  public static InputRefusal tooManyCells(String file, long cells, long limit) {
    return new InputRefusal("TOO_MANY_CELLS", file, "",
        "the table has " + cells + " cells; the limit is " + limit);
  }

  public static InputRefusal cellTooLong(String file, long line, String column, int length, int limit) {
    return new InputRefusal("CELL_TOO_LONG", file, "line " + line + ", column " + column,
        "a cell holds " + length + " characters; the limit is " + limit);
  }

  public static InputRefusal badEncoding(String file, long byteOffset, long line, String guess) {
    return new InputRefusal("ENCODING_INVALID", file, "byte offset " + byteOffset + ", line " + line,
        "the bytes here are not valid UTF-8" + (guess.isEmpty() ? "" : " (they look like " + guess + ")")
            + "; save the whole file as UTF-8");
  }

  public static InputRefusal utf16(String file) {
    return new InputRefusal("ENCODING_INVALID", file, "byte offset 0",
        "the file starts with a UTF-16 byte order mark; save it as UTF-8");
  }

  public static InputRefusal binaryInText(String file, long byteOffset, long line) {
    return new InputRefusal("BINARY_CONTENT", file, "byte offset " + byteOffset + ", line " + line,
        "the file holds a NUL byte, so it is not a text table");
  }

  public static InputRefusal malformedCsv(String file, long line, String detail) {
    return new InputRefusal("CSV_MALFORMED", file, "line " + line, "the CSV cannot be parsed: " + detail);
  }

  public static InputRefusal ragged(String file, long line, int fields, int expected) {
    return new InputRefusal("RAGGED_ROW", file, "line " + line,
        "this row has " + fields + " fields but the header has " + expected);
  }

  public static InputRefusal empty(String file) {
    return new InputRefusal("EMPTY_TABLE", file, "", "the table has no header or no data rows");
  }

  public static InputRefusal duplicateHeader(String file, String name) {
    return new InputRefusal("DUPLICATE_HEADER", file, "line 1", "the column name '" + name + "' appears twice");
  }

  public static InputRefusal formula(String file, long line, String column, String cell) {
    return new InputRefusal("FORMULA_INJECTION", file, "line " + line + ", column " + column,
        "the cell starts like a spreadsheet formula (" + preview(cell)
            + "); formulas are refused because they run when the file is opened");
  }

  public static InputRefusal notANumber(String file, long line, String column, String cell) {
    return new InputRefusal("NON_NUMERIC_CELL", file, "line " + line + ", column " + column,
        "the measure cell '" + preview(cell) + "' is not a number");
  }

  public static InputRefusal containerTooLarge(String file, String detail) {
    return new InputRefusal("CONTAINER_TOO_LARGE", file, "", detail + "; refused as a possible zip bomb");
  }

  public static InputRefusal unsupported(String file, String detail) {
    return new InputRefusal("UNSUPPORTED_FORMAT", file, "", detail);
  }

  public static InputRefusal parquet(String file, String detail) {
    return new InputRefusal("PARQUET_UNREADABLE", file, "", "the Parquet file cannot be read: " + detail);
  }

  public static InputRefusal badDeclaration(String file, String detail) {
    return new InputRefusal("BAD_DECLARATION", file, "", detail);
  }

  public static InputRefusal io(String file, String detail) {
    return new InputRefusal("READ_FAILED", file, "", "the file cannot be read: " + detail);
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
