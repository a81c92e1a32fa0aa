package jp.enclave.checker.pseudonyms;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The project's pseudonyms, for "no exported value equals a pseudonym". Kept as a sorted array of
 * 64-bit hashes (8 bytes a pseudonym instead of ~60 for a String in a HashSet) plus the length
 * range, so most cells are rejected without hashing. A hash collision can only cause a false
 * alarm (probability about n / 2^64), never a miss.
 */
public final class PseudonymSet {
  private static final PseudonymSet EMPTY = new PseudonymSet(new long[0], Integer.MAX_VALUE, -1);
  private final long[] hashes;
  private final int minLength;
  private final int maxLength;

  private PseudonymSet(long[] sortedHashes, int minLength, int maxLength) {
    this.hashes = sortedHashes;
    this.minLength = minLength;
    this.maxLength = maxLength;
  }

  public static PseudonymSet empty() { return EMPTY; }

  public static PseudonymSet of(Collection<String> pseudonyms) {
    long[] h = new long[pseudonyms.size()];
    int i = 0;
    int min = Integer.MAX_VALUE;
    int max = -1;
    for (String p : pseudonyms) {
      String s = p.strip();
      if (s.isEmpty()) {
        continue;
      }
      h[i++] = hash(s);
      min = Math.min(min, s.length());
      max = Math.max(max, s.length());
    }
    long[] sorted = Arrays.copyOf(h, i);
    Arrays.sort(sorted);
    return new PseudonymSet(sorted, min, max);
  }

  /**
   * Every distinct {@code person_id} in the project's extract: the extract's person column holds
   * the project's pseudonyms in every table.
   */
  public static PseudonymSet fromExtract(Connection extract) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement s = extract.createStatement();
         ResultSet rs = s.executeQuery("SELECT DISTINCT table_schema, table_name FROM information_schema.columns "
             + "WHERE lower(column_name) = 'person_id' ORDER BY 1, 2")) {
      while (rs.next()) {
        tables.add(quote(rs.getString(1)) + "." + quote(rs.getString(2)));
      }
    }
    if (tables.isEmpty()) {
      return EMPTY;
    }
    List<String> selects = new ArrayList<>();
    for (String t : tables) {
      selects.add("SELECT CAST(person_id AS VARCHAR) AS p FROM " + t);
    }
    List<String> all = new ArrayList<>();
    try (Statement s = extract.createStatement();
         ResultSet rs = s.executeQuery("SELECT DISTINCT p FROM (" + String.join(" UNION ALL ", selects) + ") WHERE p IS NOT NULL")) {
      while (rs.next()) {
        all.add(rs.getString(1));
      }
    }
    return of(all);
  }

  private static String quote(String ident) {
    return "\"" + ident.replace("\"", "\"\"") + "\"";
  }

  public int size() { return hashes.length; }

  public boolean contains(String value) {
    if (value == null || hashes.length == 0) {
      return false;
    }
    String s = value.strip();
    if (s.length() < minLength || s.length() > maxLength) {
      return false;
    }
    return Arrays.binarySearch(hashes, hash(s)) >= 0;
  }

  // FNV-1a over UTF-16 units, finished with the MurmurHash3 64-bit mixer for good bit spread.
  static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
