package jp.enclave.pseudonymizer.linkage;

import java.util.List;

/**
 * One field comparison of a record pair, as a SQL expression over {@code a} and {@code b} giving
 * a level from 0 (disagree) to {@code levels - 1} (agree exactly), or NULL when a value is
 * missing (a missing phone is no evidence either way). Fields must be conditionally
 * independent given match status, so kanji and reading of a name are one comparison: the same
 * kanji is the strongest level (homonyms such as 浩 and 博, both ヒロシ, fall to the reading level).
 * {@code fields} are the linkage-input columns the expression reads.
 */
public record Comparison(String name, int levels, List<String> fields, String sql) {

  /** The comparisons, in one table: adding a field is adding a row. */
  public static final List<Comparison> ALL = List.of(
      new Comparison("family_name", 4, List.of("family_kanji", "family_n"), "CASE WHEN a.family_kanji = b.family_kanji THEN 3 "
          + "WHEN a.family_n = b.family_n THEN 2 "
          + "WHEN jaro_winkler_similarity(a.family_n, b.family_n) >= 0.88 THEN 1 ELSE 0 END"),
      new Comparison("given_name", 4, List.of("given_kanji", "given_n"), "CASE WHEN a.given_kanji = b.given_kanji THEN 3 "
          + "WHEN a.given_n = b.given_n THEN 2 "
          + "WHEN jaro_winkler_similarity(a.given_n, b.given_n) >= 0.88 THEN 1 ELSE 0 END"),
      new Comparison("birth_date", 3, List.of("birth_date"), "CASE WHEN a.birth_date = b.birth_date THEN 2 "
          + "WHEN levenshtein(CAST(a.birth_date AS VARCHAR), CAST(b.birth_date AS VARCHAR)) = 1 THEN 1 ELSE 0 END"),
      new Comparison("sex", 2, List.of("sex"), "CASE WHEN a.sex = b.sex THEN 1 ELSE 0 END"),
      new Comparison("address", 3, List.of("prefecture", "city"), "CASE WHEN a.prefecture = b.prefecture AND a.city = b.city THEN 2 "
          + "WHEN a.prefecture = b.prefecture THEN 1 ELSE 0 END"),
      new Comparison("phone", 2, List.of("phone"), "CASE WHEN a.phone IS NULL OR b.phone IS NULL THEN NULL "
          + "WHEN a.phone = b.phone THEN 1 ELSE 0 END"));

  public String column() {
    return "g_" + name;
  }

  /**
   * The level when side {@code a} may lack every field of this comparison (an opt-out request
   * names no address or phone): missing, so no evidence either way, as a missing phone is.
   */
  public String sqlAllowingMissing() {
    return "CASE WHEN " + fields.stream().map(f -> "a." + f + " IS NULL").collect(java.util.stream.Collectors.joining(" AND "))
        + " THEN NULL ELSE " + sql + " END";
  }
}
