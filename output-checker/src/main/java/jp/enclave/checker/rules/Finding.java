package jp.enclave.checker.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import jp.enclave.checker.Detail;

/**
 * One rule's judgement on one cell (or on the whole item when row and column are -1), with the
 * numbers behind it so a reviewer can see why. Columns index the file's columns. The sentence is a
 * {@link Detail} (bundle key and parameters), rendered in each report's language.
 */
public record Finding(String rule, Status status, int row, int column, Detail detail, Map<String, Object> numbers) {

  public Finding {
    numbers = numbers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(numbers));
  }

  public static Finding item(String rule, Status status, Detail detail) {
    return new Finding(rule, status, -1, -1, detail, Map.of());
  }

  public static Finding cell(String rule, Status status, int row, int column, Detail detail, Map<String, Object> numbers) {
    return new Finding(rule, status, row, column, detail, numbers);
  }

  /** The sentence in English, as results.json carries it. */
  public String message() { return detail.english(); }

  public String message(Locale locale) { return detail.render(locale); }

  public boolean isCell() { return row >= 0 && column >= 0; }

  /** Findings that only describe the suggested safe version do not change the verdict. */
  public boolean affectsVerdict() { return !Rule.SECONDARY.equals(rule); }
}
