package jp.enclave.pseudonymizer.anonymize;

import java.util.Map;

/**
 * One question (after ARX's criteria classes): is every combination of quasi-identifier values
 * shared by at least k persons? The report says how far from it a release is.
 */
public record KAnonymity(int k) {
  public record Report(int k, long persons, long classes, long smallestClass, long classesBelowK,
      long personsBelowK, boolean satisfied) {}

  /** @param classSizes persons per quasi-identifier combination */
  public Report evaluate(Map<String, Long> classSizes) {
    long persons = 0;
    long smallest = Long.MAX_VALUE;
    long below = 0;
    long personsBelow = 0;
    for (long size : classSizes.values()) {
      persons += size;
      smallest = Math.min(smallest, size);
      if (size < k) {
        below++;
        personsBelow += size;
      }
    }
    return new Report(k, persons, classSizes.size(), classSizes.isEmpty() ? 0 : smallest, below, personsBelow,
        below == 0);
  }
}
