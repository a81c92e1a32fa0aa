package jp.enclave.checker.rules;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import jp.enclave.checker.Detail;
import jp.enclave.checker.input.RawTable;
import jp.enclave.checker.pseudonyms.PseudonymSet;

/** Any exported value equal to one of the project's pseudonyms fails, wherever it appears. */
public final class PseudonymCheck {
  private static final Pattern TOKEN_SPLIT = Pattern.compile("[\\s,;:\"'`()\\[\\]{}<>=|/\\\\、。，．：；「」（）]+");
  private static final int MAX_FINDINGS = 1000;

  private PseudonymCheck() {}

  public static void checkTable(RawTable t, PseudonymSet set, List<Finding> out) {
    if (set.size() == 0) {
      return;
    }
    int found = 0;
    for (int c = 0; c < t.columnCount(); c++) {
      if (set.contains(t.header().get(c))) {
        out.add(new Finding(Rule.PSEUDONYM, Status.FAIL, -1, c, Detail.of("pseudonym.columnName"), Map.of()));
        found++;
      }
    }
    for (int r = 0; r < t.rowCount() && found < MAX_FINDINGS; r++) {
      String[] row = t.rows().get(r);
      for (int c = 0; c < row.length; c++) {
        if (set.contains(row[c])) {
          out.add(Finding.cell(Rule.PSEUDONYM, Status.FAIL, r, c,
              Detail.of("pseudonym.cell", t.line(r)), Map.of()));
          if (++found >= MAX_FINDINGS) {
            out.add(Finding.item(Rule.PSEUDONYM, Status.FAIL, Detail.of("pseudonym.tooMany", MAX_FINDINGS)));
            break;
          }
        }
      }
    }
  }

  /** For code and text: every token of every line is looked up. Returns the 1-based lines hit. */
  public static void checkText(String text, String file, PseudonymSet set, List<Finding> out) {
    if (set.size() == 0) {
      return;
    }
    String[] lines = text.split("\n", -1);
    int found = 0;
    for (int i = 0; i < lines.length && found < MAX_FINDINGS; i++) {
      for (String tok : TOKEN_SPLIT.split(lines[i])) {
        if (!tok.isEmpty() && set.contains(tok)) {
          out.add(Finding.item(Rule.PSEUDONYM, Status.FAIL,
              Detail.of("pseudonym.textLine", file, i + 1)));
          found++;
          break;
        }
      }
    }
  }
}
