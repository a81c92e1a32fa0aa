package jp.enclave.gateway.pgwire;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The little PostgreSQL lexing the front end needs before the core sees a text: splitting a
 * simple-query string into statements (top-level semicolons outside strings, quoted names,
 * dollar quotes and comments), finding {@code $n} placeholders, and a token list for recognising
 * the client chatter and catalog queries. Never decides whether a query may run: that is the
 * core's, which gets the text unchanged (or with bound values written in as literals).
 */
final class PgSql {
  /** One statement of a simple query and where it starts in the text the client sent. */
  record Piece(String text, int offset) {}

  enum Kind { WORD, QUOTED, STRING, NUMBER, PARAM, SYMBOL }

  /** A token: words lower-cased, strings unquoted, quoted names unquoted as written. */
  record Token(Kind kind, String text, int start) {
    boolean is(String word) {
      return (kind == Kind.WORD || kind == Kind.SYMBOL) && text.equals(word);
    }
  }

  private PgSql() {}

  /** The statements of {@code sql}, without empty ones. */
  static List<Piece> split(String sql) {
    List<Piece> out = new ArrayList<>();
    int start = 0;
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == ';') {
        add(out, sql, start, i);
        start = i + 1;
        i++;
      } else {
        i = skip(sql, i);
      }
    }
    add(out, sql, start, n);
    return out;
  }

  private static void add(List<Piece> out, String sql, int from, int to) {
    String s = sql.substring(from, to);
    if (!tokens(s).isEmpty()) {
      out.add(new Piece(s, from));
    }
  }

  /** The index after the lexical unit at {@code i} (a string, quoted name, comment or one char). */
  private static int skip(String s, int i) {
    int n = s.length();
    char c = s.charAt(i);
    if (c == '-' && i + 1 < n && s.charAt(i + 1) == '-') {
      int nl = s.indexOf('\n', i);
      return nl < 0 ? n : nl + 1;
    }
    if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
      int depth = 1;
      int j = i + 2;
      while (j < n && depth > 0) {
        if (s.startsWith("/*", j)) {
          depth++;
          j += 2;
        } else if (s.startsWith("*/", j)) {
          depth--;
          j += 2;
        } else {
          j++;
        }
      }
      return j;
    }
    if (c == '\'' || c == '"') {
      boolean escapes = c == '\'' && i > 0 && (s.charAt(i - 1) == 'E' || s.charAt(i - 1) == 'e')
          && (i < 2 || !Character.isLetterOrDigit(s.charAt(i - 2)));
      int j = i + 1;
      while (j < n) {
        char d = s.charAt(j);
        if (escapes && d == '\\') {
          j += 2;
          continue;
        }
        if (d == c) {
          if (j + 1 < n && s.charAt(j + 1) == c) {
            j += 2;
            continue;
          }
          return j + 1;
        }
        j++;
      }
      return n;
    }
    if (c == '$') {
      int j = i + 1;
      while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
        j++;
      }
      if (j < n && s.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(s.charAt(i + 1)))) {
        String tag = s.substring(i, j + 1);
        int close = s.indexOf(tag, j + 1);
        return close < 0 ? n : close + tag.length();
      }
    }
    return i + 1;
  }

  /** Tokens of one statement (comments dropped). */
  static List<Token> tokens(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      int end = skip(s, i);
      if (Character.isWhitespace(c) || end > i + 1 && (c == '-' || c == '/')) {
        i = Character.isWhitespace(c) ? i + 1 : end;
        continue;
      }
      if (c == '\'') {
        out.add(new Token(Kind.STRING, s.substring(i + 1, Math.max(i + 1, end - 1)).replace("''", "'"), i));
        i = end;
      } else if (c == '"') {
        out.add(new Token(Kind.QUOTED, s.substring(i + 1, Math.max(i + 1, end - 1)).replace("\"\"", "\""), i));
        i = end;
      } else if (c == '$' && i + 1 < n && Character.isDigit(s.charAt(i + 1))) {
        int j = i + 1;
        while (j < n && Character.isDigit(s.charAt(j))) {
          j++;
        }
        out.add(new Token(Kind.PARAM, s.substring(i, j), i));
        i = j;
      } else if (c == '$' && end > i + 1) {
        out.add(new Token(Kind.STRING, s.substring(i, end), i));
        i = end;
      } else if (Character.isLetter(c) || c == '_') {
        int j = i;
        while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_' || s.charAt(j) == '$')) {
          j++;
        }
        if ((c == 'E' || c == 'e') && j == i + 1 && j < n && s.charAt(j) == '\'') {
          int close = skip(s, j);
          out.add(new Token(Kind.STRING, s.substring(j + 1, Math.max(j + 1, close - 1)), i));
          i = close;
          continue;
        }
        out.add(new Token(Kind.WORD, s.substring(i, j).toLowerCase(Locale.ROOT), i));
        i = j;
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(s.charAt(i + 1)))) {
        int j = i;
        while (j < n && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '.')) {
          j++;
        }
        out.add(new Token(Kind.NUMBER, s.substring(i, j), i));
        i = j;
      } else {
        int j = i + 1;
        if (j < n && "<>=!~:|".indexOf(c) >= 0 && "<>=~*:|".indexOf(s.charAt(j)) >= 0) {
          j++;
        }
        out.add(new Token(Kind.SYMBOL, s.substring(i, j), i));
        i = j;
      }
    }
    return out;
  }

  /** The highest {@code $n} in the text (0 if none). */
  static int parameterCount(String sql) {
    int max = 0;
    for (Token t : tokens(sql)) {
      if (t.kind() == Kind.PARAM) {
        max = Math.max(max, parseParam(t.text()));
      }
    }
    return max;
  }

  private static int parseParam(String text) {
    try {
      return Integer.parseInt(text.substring(1));
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  /** The text with each {@code $n} replaced by {@code literals[n-1]} (spaces around, as Flight does). */
  static String bind(String sql, List<String> literals) {
    StringBuilder out = new StringBuilder(sql.length() + 16 * literals.size());
    int from = 0;
    for (Token t : tokens(sql)) {
      if (t.kind() != Kind.PARAM) {
        continue;
      }
      int n = parseParam(t.text());
      if (n < 1 || n > literals.size()) {
        throw new PgError("08P01", "GW-PARAMETER-COUNT", "The statement uses parameter " + t.text() + " but "
            + literals.size() + " values were bound.");
      }
      out.append(sql, from, t.start()).append(' ').append(literals.get(n - 1)).append(' ');
      from = t.start() + t.text().length();
    }
    return out.append(sql, from, sql.length()).toString();
  }
}
