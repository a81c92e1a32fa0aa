package jp.enclave.checker.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One rule's judgement on one cell (or on the whole item when row and column are -1), with the
 * numbers behind it so a reviewer can see why. Columns index the file's columns.
 */
public record Finding(String rule, Status status, int row, int column, String message, Map<String, Object> numbers) {

  public Finding {
    numbers = numbers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(numbers));
  }

  public static Finding item(String rule, Status status, String message) {
    return new Finding(rule, status, -1, -1, message, Map.of());
  }

  public static Finding cell(String rule, Status status, int row, int column, String message, Map<String, Object> numbers) {
    return new Finding(rule, status, row, column, message, numbers);
  }

  public boolean isCell() { return row >= 0 && column >= 0; }

  /** Findings that only describe the suggested safe version do not change the verdict. */
  public boolean affectsVerdict() { return !Rule.SECONDARY.equals(rule); }
}
