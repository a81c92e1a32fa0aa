package jp.enclave.gateway.core;

import java.util.Locale;
import java.util.Set;

/**
 * DuckDB's cast shorthand {@code x::T} written out as {@code CAST(x AS T)} before anything parses
 * the text. In DuckDB the shorthand binds tighter than any operator ({@code a > b::INT} casts
 * only {@code b}); Calcite's Babel parser applies it to the whole comparison before it, which
 * would run a different query than the one written. So the operand is found here, by DuckDB's
 * rule: the literal, name, parenthesised expression, function call or subscript just before.
 *
 * <p>Strings, quoted names and comments are skipped as the input guard skips them. The result
 * keeps, for each character, the index of the researcher's character it came from, so refusals
 * point into the text as written.
 */
final class CastShorthand {
  /** The rewritten text and, per character, its index in the original text. */
  record Result(String text, int[] origin) {}

  private static final Set<String> TYPE_SUFFIXES = Set.of("PRECISION", "VARYING");

  private CastShorthand() {}

  static Result rewrite(String sql) {
    String text = sql;
    int[] origin = identity(sql.length());
    int from = 0;
    while (true) {
      int at = find(text, from);
      if (at < 0) {
        return new Result(text, origin);
      }
      int end = skipBlankBack(text, at);
      int start = operandStart(text, end);
      int typeStart = skipBlank(text, at + 2);
      int typeEnd = typeEnd(text, typeStart);
      if (start < 0 || start >= end || typeEnd <= typeStart) {
        // Nothing sensible around it: leave it to the parser to refuse.
        from = at + 2;
        continue;
      }
      String operand = text.substring(start, end);
      String type = text.substring(typeStart, typeEnd);
      String replaced = "CAST(" + operand + " AS " + type + ")";
      int[] map = new int[replaced.length()];
      // Every new character points at the operand's first, or at the type's, in the original.
      int k = 0;
      for (int i = 0; i < 5; i++) {
        map[k++] = origin[start];
      }
      for (int i = start; i < end; i++) {
        map[k++] = origin[i];
      }
      for (int i = 0; i < 4; i++) {
        map[k++] = origin[at];
      }
      for (int i = typeStart; i < typeEnd; i++) {
        map[k++] = origin[i];
      }
      map[k] = origin[typeEnd - 1];
      text = text.substring(0, start) + replaced + text.substring(typeEnd);
      int[] next = new int[text.length()];
      System.arraycopy(origin, 0, next, 0, start);
      System.arraycopy(map, 0, next, start, map.length);
      System.arraycopy(origin, typeEnd, next, start + map.length, origin.length - typeEnd);
      origin = next;
      from = start;
    }
  }

  private static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  /** The next {@code ::} at or after {@code from} outside strings, quoted names and comments. */
  private static int find(String s, int from) {
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"') {
        i = closeQuote(s, i) + 1;
      } else if (c == '-' && i + 1 < n && s.charAt(i + 1) == '-') {
        int nl = s.indexOf('\n', i);
        i = nl < 0 ? n : nl;
      } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
        int close = s.indexOf("*/", i + 2);
        i = close < 0 ? n : close + 2;
      } else if (c == ':' && i + 1 < n && s.charAt(i + 1) == ':' && i >= from) {
        return i;
      } else {
        i++;
      }
    }
    return -1;
  }

  private static int closeQuote(String s, int open) {
    char q = s.charAt(open);
    int i = open + 1;
    while (i < s.length()) {
      if (s.charAt(i) == q) {
        if (i + 1 < s.length() && s.charAt(i + 1) == q) {
          i += 2;
          continue;
        }
        return i;
      }
      i++;
    }
    return s.length() - 1;
  }

  /** The opening quote of the quoted token ending at {@code close}. */
  private static int openQuote(String s, int close) {
    char q = s.charAt(close);
    int i = close - 1;
    while (i >= 0) {
      if (s.charAt(i) == q) {
        if (i - 1 >= 0 && s.charAt(i - 1) == q) {
          i -= 2;
          continue;
        }
        return i;
      }
      i--;
    }
    return -1;
  }

  private static int skipBlankBack(String s, int end) {
    while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
      end--;
    }
    return end;
  }

  private static int skipBlank(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean nameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }

  /** Where the operand ending at {@code end} (exclusive) starts, by DuckDB's binding; -1 if none. */
  private static int operandStart(String s, int end) {
    if (end <= 0) {
      return -1;
    }
    int i = end - 1;
    char c = s.charAt(i);
    int start;
    if (c == ')' || c == ']') {
      start = matchingOpen(s, i);
      if (start < 0) {
        return -1;
      }
      // A call or a subscript: the name or the expression before the bracket belongs to it.
      int before = start;
      while (before > 0 && s.charAt(before - 1) == ' ' && c == ')') {
        before--;
      }
      if (before > 0 && (nameChar(s.charAt(before - 1)) || s.charAt(before - 1) == '"'
          || c == ']' && (s.charAt(before - 1) == ')' || s.charAt(before - 1) == ']'))) {
        int head = operandStart(s, before);
        if (head >= 0 && !isKeyword(s.substring(head, before))) {
          return head;
        }
      }
      return start;
    } else if (c == '\'' || c == '"') {
      start = openQuote(s, i);
      if (start < 0) {
        return -1;
      }
    } else if (nameChar(c)) {
      start = i;
      while (start > 0 && (nameChar(s.charAt(start - 1)) || s.charAt(start - 1) == '.'
          && !(start - 2 >= 0 && Character.isDigit(s.charAt(start - 2)) && Character.isDigit(c)))) {
        start--;
      }
      // 1.5 is one number
      while (start > 0 && (s.charAt(start - 1) == '.' || Character.isDigit(s.charAt(start - 1)))) {
        start--;
      }
    } else {
      return -1;
    }
    // A qualified name: "t"."col", t."col", "t".col
    if (start > 1 && s.charAt(start - 1) == '.') {
      int head = operandStart(s, start - 1);
      return head >= 0 ? head : start;
    }
    // A typed literal: DATE '2024-01-01', INTERVAL '1' DAY is not (the unit follows)
    if (c == '\'') {
      int w = skipBlankBack(s, start);
      int ws = w;
      while (ws > 0 && Character.isLetter(s.charAt(ws - 1))) {
        ws--;
      }
      String word = s.substring(ws, w).toUpperCase(Locale.ROOT);
      if (Set.of("DATE", "TIMESTAMP", "TIME").contains(word)) {
        return ws;
      }
    }
    return start;
  }

  private static boolean isKeyword(String word) {
    return Set.of("IN", "AND", "OR", "NOT", "SELECT", "WHERE", "ON", "WHEN", "THEN", "ELSE", "BY", "AS", "IS", "LIKE",
        "BETWEEN", "FROM", "HAVING", "EXISTS", "ANY", "ALL", "SOME").contains(word.trim().toUpperCase(Locale.ROOT));
  }

  private static int matchingOpen(String s, int close) {
    char closeCh = s.charAt(close);
    char openCh = closeCh == ')' ? '(' : '[';
    int depth = 0;
    for (int i = close; i >= 0; i--) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"') {
        i = openQuote(s, i);
        if (i < 0) {
          return -1;
        }
        continue;
      }
      if (c == closeCh) {
        depth++;
      } else if (c == openCh) {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  /** The end of a type name: words, then (p, s), then [] any number of times. */
  private static int typeEnd(String s, int i) {
    int j = i;
    if (j < s.length() && s.charAt(j) == '"') {
      j = closeQuote(s, j) + 1;
    } else {
      while (j < s.length() && nameChar(s.charAt(j))) {
        j++;
      }
    }
    if (j == i) {
      return i;
    }
    int k = skipBlank(s, j);
    int w = k;
    while (w < s.length() && Character.isLetter(s.charAt(w))) {
      w++;
    }
    if (w > k && TYPE_SUFFIXES.contains(s.substring(k, w).toUpperCase(Locale.ROOT))) {
      j = w;
    }
    k = skipBlank(s, j);
    if (k < s.length() && s.charAt(k) == '(') {
      int close = s.indexOf(')', k);
      if (close > 0) {
        j = close + 1;
      }
    }
    while (j + 1 < s.length() && s.charAt(j) == '[' && s.charAt(j + 1) == ']') {
      j += 2;
    }
    return j;
  }
}
