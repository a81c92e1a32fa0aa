package jp.enclave.server.airlock;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The airlock's stance on CSV formula injection: a table whose cell a spreadsheet would run as a
 * formula ({@code =cmd|' /C calc'!A0}, {@code =HYPERLINK(...)}, {@code @SUM(...)}) is refused when it
 * is added. Reviewers open the items in a spreadsheet, and the release leaves byte for byte as it
 * was reviewed (its SHA-256 is in the manifest and the audit), so the file is not rewritten either:
 * the researcher sends the table without formulas. A number with a sign ({@code -3.2}, {@code +1e-5})
 * is data, not a formula, and passes.
 */
final class FormulaCells {
  /** What starts a formula in Excel, LibreOffice and Google Sheets (OWASP's list). */
  private static final String TRIGGERS = "=+-@\t\r";
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d[\\d,]*(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?%?");
  private static final int MAX_REPORTED = 5;

  private FormulaCells() {}

  /** The cells of a CSV table that a spreadsheet would run as formulas, at most five named; empty when none. */
  static List<String> problems(String what, byte[] csv) {
    List<String> out = new ArrayList<>();
    String text = new String(csv, StandardCharsets.UTF_8);
    try (var parser = CSVFormat.RFC4180.builder().setAllowMissingColumnNames(true).build().parse(new StringReader(text))) {
      for (CSVRecord row : parser) {
        for (int col = 0; col < row.size(); col++) {
          String cell = row.get(col);
          if (formula(cell)) {
            if (out.size() == MAX_REPORTED) {
              out.add(what + ": more cells start a formula");
              return out;
            }
            out.add(what + ": row " + row.getRecordNumber() + ", column " + (col + 1) + " starts with '"
                + printable(cell.charAt(0)) + "', which a spreadsheet runs as a formula; export the value without it");
          }
        }
      }
    } catch (IOException | java.io.UncheckedIOException | IllegalStateException e) {
      // Not well-formed CSV: the checker refuses it with its own reason; a formula check needs cells.
      return out;
    }
    return out;
  }

  static boolean formula(String cell) {
    if (cell.isEmpty() || TRIGGERS.indexOf(cell.charAt(0)) < 0 || cell.equals("-") || cell.equals("+")) {
      return false; // a lone sign is a placeholder, not a formula
    }
    return !NUMBER.matcher(cell.strip()).matches();
  }

  private static String printable(char c) {
    return c == '\t' ? "\\t" : c == '\r' ? "\\r" : String.valueOf(c);
  }
}
