package jp.enclave.checker.input;

import java.util.regex.Pattern;

/**
 * Detects cells a spreadsheet would run as a formula (CSV injection). A leading '=' or '@' is
 * always refused; a leading '+' or '-' only when what follows is not a number and looks like
 * formula syntax, so negative numbers and a lone "-" for "not applicable" stay readable.
 */
public final class FormulaGuard {
  private static final Pattern NUMBER = Pattern.compile("[+-]?\\s*(\\d[\\d,]*(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?%?");
  private static final Pattern FORMULA_AFTER_SIGN =
      Pattern.compile("[+-].*([(|!=]|[A-Za-z]+\\d+|[A-Za-z_][A-Za-z0-9_.]*\\s*\\().*", Pattern.DOTALL);

  private FormulaGuard() {}

  /** True when the cell would be interpreted as a formula by a spreadsheet. */
  public static boolean isFormula(String cell) {
    if (cell == null || cell.isEmpty()) {
      return false;
    }
    String s = stripLeadingControls(cell);
    if (s.isEmpty()) {
      return false;
    }
    char c = s.charAt(0);
    if (c == '=' || c == '@' || c == '＝' || c == '＠') {
      return true;
    }
    if (c == '+' || c == '-' || c == '＋' || c == '－') {
      String ascii = (c == '＋' ? "+" : c == '－' ? "-" : String.valueOf(c)) + s.substring(1);
      if (NUMBER.matcher(ascii.trim()).matches()) {
        return false;
      }
      return FORMULA_AFTER_SIGN.matcher(ascii).matches();
    }
    return false;
  }

  // Tabs, carriage returns and spaces before '=' are still executed by some spreadsheets.
  private static String stripLeadingControls(String s) {
    int i = 0;
    while (i < s.length() && (s.charAt(i) == '\t' || s.charAt(i) == '\r' || s.charAt(i) == ' '
        || s.charAt(i) == '\n' || s.charAt(i) == '\u3000')) {
      i++;
    }
    return s.substring(i);
  }
}
