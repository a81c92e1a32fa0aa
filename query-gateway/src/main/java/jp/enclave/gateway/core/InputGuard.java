package jp.enclave.gateway.core;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Stage 0, lexical: decodes and bounds the text before a parser sees it. Refuses invalid UTF-8,
 * invisible and control characters (bidi overrides, zero-width spaces: the usual look-alike
 * tricks), over-long text, nesting deep enough to exhaust a recursive parser, a second statement
 * after a semicolon, and any statement whose first word is not a query keyword. Strings, quoted
 * identifiers and comments are skipped the way Calcite reads them; the parse tree stays the
 * authority, this stage can only refuse more.
 */
final class InputGuard {
  /** The words a query may start with. */
  static final Set<String> QUERY_KEYWORDS = Set.of("SELECT", "WITH", "VALUES", "FROM");

  /** Calcite's reserved words: an alias after AS that is one (AS month) is quoted for the parser. */
  private static final org.apache.calcite.sql.parser.SqlAbstractParserImpl.Metadata RESERVED =
      org.apache.calcite.sql.parser.SqlParser.create("", SqlParsing.CONFIG).getMetadata();

  /** Reserved words that follow AS as a type in CAST(x AS DATE), never quoted. */
  private static final Set<String> TYPE_NAMES = Set.of("DATE", "TIME", "TIMESTAMP", "INTEGER", "INT", "BIGINT",
      "SMALLINT", "TINYINT", "DOUBLE", "FLOAT", "REAL", "DECIMAL", "NUMERIC", "VARCHAR", "CHAR", "CHARACTER",
      "BOOLEAN", "INTERVAL", "VARBINARY", "BINARY", "DEC", "PRECISION");

  private final GatewayConfig config;
  private final Set<String> reservedNames;

  /**
   * The statement to parse, and the edits the guard made to the researcher's text (a reserved
   * catalog name quoted, a DuckDB spelling respelled for the parser), each {line, column, length
   * change}, so positions can be mapped back to the researcher's text.
   */
  record Prepared(String text, java.util.List<int[]> edits, String original, int[] origin, String rewritten) {
    /** The researcher's column for a position in the prepared text (same line). */
    int originalColumn(int line, int column) {
      int shift = 0;
      for (int[] e : edits) {
        if (e[0] == line && e[1] < column - shift) {
          shift += e[2];
        }
      }
      return column - shift;
    }

    /** The refusal with its position moved back into the researcher's own text. */
    GatewayRefusal located(GatewayRefusal r) {
      if (!r.refusal().hasPosition()) {
        return r;
      }
      GatewayRefusal inRewritten = edits.isEmpty() ? r : r.atColumn(originalColumn(r.refusal().line(), r.refusal().column()));
      return throughCasts(inRewritten, rewritten, original, origin);
    }
  }

  /** Maps a refusal positioned in the cast-rewritten text back to the researcher's text. */
  static GatewayRefusal throughCasts(GatewayRefusal r, String rewritten, String original, int[] origin) {
    if (rewritten.equals(original) || !r.refusal().hasPosition()) {
      return r;
    }
    int index = indexOf(rewritten, r.refusal().line(), r.refusal().column());
    int[] lc = position(original, origin[Math.min(Math.max(index, 0), origin.length - 1)]);
    return r.at(lc[0], lc[1]);
  }

  private static int indexOf(String text, int line, int column) {
    int l = 1;
    int i = 0;
    while (i < text.length() && l < line) {
      if (text.charAt(i) == '\n') {
        l++;
      }
      i++;
    }
    int c = 1;
    while (i < text.length() && c < column && text.charAt(i) != '\n') {
      if (!Character.isLowSurrogate(text.charAt(i))) {
        c++;
      }
      i++;
    }
    return i;
  }

  /**
   * DuckDB spellings Calcite's parser reads differently, respelled before parsing (same meaning in
   * DuckDB, so the rewritten query still runs what the researcher wrote). Babel reads DATEDIFF,
   * DATE_DIFF, DATEPART and DATE_PART with other databases' grammars, so their names are quoted; LIST(x ORDER BY y) is DuckDB's ARRAY_AGG.
   */
  static final Map<String, String> FUNCTION_SPELLINGS = Map.of(
      "DATEDIFF", "\"date_diff\"",
      "DATE_DIFF", "\"date_diff\"",
      "DATEPART", "\"date_part\"",
      "DATE_PART", "\"date_part\"",
      "LIST", "array_agg",
      "UNNEST", "\"unnest\"");

  /** Plural interval units DuckDB accepts after INTERVAL n. */
  private static final Set<String> PLURAL_UNITS = Set.of("YEARS", "MONTHS", "DAYS", "HOURS", "MINUTES", "SECONDS");

  /** INTERVAL '2 years' → INTERVAL '2' YEAR: DuckDB's quoted form, Calcite's spelling. */
  private static final java.util.regex.Pattern QUOTED_INTERVAL = java.util.regex.Pattern.compile(
      "'\\s*(\\d+)\\s*(year|month|week|day|hour|minute|second)s?\\s*'", java.util.regex.Pattern.CASE_INSENSITIVE);

  /** The call DISTINCT ON (keys) stands for, as the first select item, until {@link DuckDbSugar} expands it. */
  static final String DISTINCT_ON_MARKER = "\u00a7distinct_on";

  /** The identifier GROUP BY ALL / ORDER BY ALL stand for until {@link DuckDbSugar} expands them. */
  static final String ALL_PLACEHOLDER = "\u00a7all";

  InputGuard(GatewayConfig config, Set<String> reservedNames) {
    this.config = config;
    this.reservedNames = reservedNames;
  }

  static String decodeUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw Refusals.denyEncoding(e.getMessage());
    }
  }

  /** Returns the single statement's text, without a trailing semicolon. */
  Prepared check(String original) {
    if (original.length() > config.maxQueryChars()) {
      throw Refusals.denyTooLarge(original.length(), config.maxQueryChars());
    }
    CastShorthand.Result cast = CastShorthand.rewrite(original);
    try {
      return check(cast.text(), original, cast.origin());
    } catch (GatewayRefusal r) {
      throw throughCasts(r, cast.text(), original, cast.origin());
    }
  }

  private Prepared check(String sql, String original, int[] origin) {
    int line = 1;
    int col = 1;
    int depth = 0;
    int end = sql.length();
    String firstWord = null;
    int firstLine = 0;
    int firstCol = 0;
    int i = 0;
    int n = sql.length();
    java.util.List<int[]> edits = new java.util.ArrayList<>();
    StringBuilder out = new StringBuilder(sql.length() + 8);
    String previousWord = null;
    String wordBefore = null;
    // The last character that is not blank or comment: tells a list literal [1, 2] from a subscript x[1].
    char lastSignificant = 0;
    int copied = 0;
    // Where a comma goes after DISTINCT ON (keys): the keys become the first select item.
    int pendingComma = -1;
    while (i < n) {
      int cp = sql.codePointAt(i);
      int width = Character.charCount(cp);
      if (!allowed(cp)) {
        throw Refusals.denyControlCharacter(line, col, cp);
      }
      if (i == pendingComma) {
        copied = edit(out, sql, copied, i, i, ",", line, col, edits);
        pendingComma = -1;
      }
      char c = sql.charAt(i);
      if (c == '\'' || c == '"' || c == '`') {
        int close = i + 1;
        while (close < n) {
          int q = sql.codePointAt(close);
          if (!allowed(q)) {
            int[] lc = position(sql, close);
            throw Refusals.denyControlCharacter(lc[0], lc[1], q);
          }
          if (sql.charAt(close) == c) {
            if (close + 1 < n && sql.charAt(close + 1) == c) {
              close += 2;
              continue;
            }
            break;
          }
          close += Character.charCount(q);
        }
        int next = Math.min(close + 1, n);
        if (c == '\'' && "INTERVAL".equalsIgnoreCase(previousWord)) {
          java.util.regex.Matcher m = QUOTED_INTERVAL.matcher(sql.substring(i, next));
          if (m.matches() && !unitFollows(sql, next)) {
            boolean week = m.group(2).equalsIgnoreCase("week");
            String with = "'" + (week ? Long.parseLong(m.group(1)) * 7 : Long.parseLong(m.group(1))) + "' "
                + (week ? "DAY" : m.group(2).toUpperCase(Locale.ROOT));
            copied = edit(out, sql, copied, i, next, with, line, col, edits);
          }
        }
        lastSignificant = c;
        int[] lc = advance(sql, i, next, line, col);
        line = lc[0];
        col = lc[1];
        i = next;
        continue;
      }
      if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int next = sql.indexOf('\n', i);
        next = next < 0 ? n : next;
        checkChars(sql, i, next);
        int[] lc = advance(sql, i, next, line, col);
        line = lc[0];
        col = lc[1];
        i = next;
        continue;
      }
      if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int close = sql.indexOf("*/", i + 2);
        int next = close < 0 ? n : close + 2;
        checkChars(sql, i, next);
        int[] lc = advance(sql, i, next, line, col);
        line = lc[0];
        col = lc[1];
        i = next;
        continue;
      }
      String wordBeforeChar = previousWord;
      if (!Character.isWhitespace(c) && !Character.isLetter(cp) && c != '_') {
        previousWord = null;
        wordBefore = null;
      }
      if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '/') {
        // DuckDB's integer division; Calcite's parser would read the rest of the line as a comment.
        throw Refusals.denyConstruct(new org.apache.calcite.sql.parser.SqlParserPos(line, col),
            "// (DuckDB's integer division; write floor(a / b), or (a / b)::BIGINT)");
      }
      if (c == ',' && followedByWord(sql, i + 1, "FROM")) {
        // DuckDB's trailing comma in a select list.
        copied = edit(out, sql, copied, i, i + 1, " ", line, col, edits);
      }
      if (c == '(' && "COUNT".equalsIgnoreCase(wordBeforeChar) && nextNonBlank(sql, i + 1) < n
          && sql.charAt(nextNonBlank(sql, i + 1)) == ')') {
        // DuckDB's count() is count(*).
        copied = edit(out, sql, copied, i + 1, i + 1, "*", line, col + 1, edits);
      }
      if (c == '[' && !(lastSignificant == 'a' || lastSignificant == ')' || lastSignificant == ']'
          || lastSignificant == '"')) {
        // DuckDB's list literal; Calcite spells it ARRAY[...], which DuckDB reads as the same list.
        copied = edit(out, sql, copied, i, i, "ARRAY", line, col, edits);
      }
      if (!Character.isWhitespace(c)) {
        lastSignificant = c;
      }
      if (c == '(') {
        depth++;
        if (depth > config.maxNestingDepth()) {
          throw Refusals.denyTooDeep(line, col, config.maxNestingDepth());
        }
      } else if (c == ')') {
        depth--;
      } else if (c == ';') {
        int rest = i + 1;
        if (!onlyBlankOrComments(sql, rest)) {
          int[] lc = advance(sql, i, nextNonBlank(sql, rest), line, col);
          throw Refusals.denyMultipleStatements(
              new org.apache.calcite.sql.parser.SqlParserPos(lc[0], lc[1]));
        }
        end = i;
        break;
      } else if (Character.isLetter(cp) || c == '_') {
        int j = i;
        while (j < n && (Character.isLetterOrDigit(sql.codePointAt(j)) || sql.charAt(j) == '_' || sql.charAt(j) == '$')) {
          j += Character.charCount(sql.codePointAt(j));
        }
        String word = sql.substring(i, j);
        String upper = word.toUpperCase(Locale.ROOT);
        if (firstWord == null) {
          firstWord = word;
          firstLine = line;
          firstCol = col;
        } else if (upper.equals("DISTINCT") && followedByWord(sql, j, "ON")) {
          int on = nextNonBlank(sql, j);
          int open = nextNonBlank(sql, on + 2);
          int close = open < n && sql.charAt(open) == '(' ? matchingParen(sql, open) : -1;
          if (close > 0) {
            copied = edit(out, sql, copied, i, on + 2, '"' + DISTINCT_ON_MARKER + '"', line, col, edits);
            pendingComma = close + 1;
            wordBefore = previousWord;
            previousWord = "ON";
            col += on + 2 - i;
            i = on + 2;
            continue;
          }
        } else if (FUNCTION_SPELLINGS.containsKey(upper) && calledAsFunction(sql, j)) {
          copied = edit(out, sql, copied, i, j, FUNCTION_SPELLINGS.get(upper), line, col, edits);
        } else if (upper.equals("ALL") && "BY".equalsIgnoreCase(previousWord)
            && ("GROUP".equalsIgnoreCase(wordBefore) || "ORDER".equalsIgnoreCase(wordBefore))) {
          copied = edit(out, sql, copied, i, j, '"' + ALL_PLACEHOLDER + '"', line, col, edits);
        } else if (PLURAL_UNITS.contains(upper) && INTERVAL_NUMBER.matcher(sql.substring(Math.max(0, i - 64), i)).find()) {
          copied = edit(out, sql, copied, i, j, upper.substring(0, upper.length() - 1), line, col, edits);
        } else if ((reservedNames.contains(word.toLowerCase(Locale.ROOT))
            || "AS".equalsIgnoreCase(previousWord) && RESERVED.isReservedWord(word.toUpperCase(Locale.ROOT))
                && !TYPE_NAMES.contains(word.toUpperCase(Locale.ROOT)))
            && !calledAsFunction(sql, j)) {
          copied = edit(out, sql, copied, i, j, '"' + word.toLowerCase(Locale.ROOT) + '"', line, col, edits);
        }
        wordBefore = previousWord;
        previousWord = word;
        // After a keyword (SELECT [1, 2], IN [..]) a bracket opens a list; after a name, a subscript.
        lastSignificant = RESERVED.isReservedWord(upper) && !reservedNames.contains(word.toLowerCase(Locale.ROOT)) ? 'k' : 'a';
        col += j - i;
        i = j;
        continue;
      }
      if (c == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
      i += width;
    }
    if (firstWord == null) {
      throw Refusals.denyEmpty();
    }
    if (!QUERY_KEYWORDS.contains(firstWord.toUpperCase(Locale.ROOT))) {
      throw Refusals.denyStatement(new org.apache.calcite.sql.parser.SqlParserPos(firstLine, firstCol),
          firstWord.toUpperCase(Locale.ROOT));
    }
    out.append(sql, copied, Math.max(copied, end));
    return new Prepared(out.toString(), edits, original, origin, sql);
  }

  private static final java.util.regex.Pattern INTERVAL_NUMBER =
      java.util.regex.Pattern.compile("(?i)\\bINTERVAL\\s+\\d+\\s+$");

  /** Replaces sql[from, to) by {@code with} in the prepared text; returns the new copy mark. */
  private static int edit(StringBuilder out, String sql, int copied, int from, int to, String with, int line, int col,
      java.util.List<int[]> edits) {
    out.append(sql, copied, from).append(with);
    edits.add(new int[] {line, col, with.length() - (to - from)});
    return to;
  }

  /** True if a unit keyword follows (INTERVAL '30' DAY): then the literal is already Calcite's form. */
  private static boolean unitFollows(String sql, int from) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s*([A-Za-z]+)").matcher(sql);
    m.region(from, sql.length());
    return m.lookingAt() && Set.of("YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "YEARS", "MONTHS", "DAYS",
        "HOURS", "MINUTES", "SECONDS").contains(m.group(1).toUpperCase(Locale.ROOT));
  }

  /** The index of the parenthesis closing the one at {@code open}, skipping strings; -1 if none. */
  private static int matchingParen(String sql, int open) {
    int depth = 0;
    for (int k = open; k < sql.length(); k++) {
      char c = sql.charAt(k);
      if (c == '\'' || c == '"') {
        int close = sql.indexOf(c, k + 1);
        if (close < 0) {
          return -1;
        }
        k = close;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return k;
      }
    }
    return -1;
  }

  private static boolean followedByWord(String sql, int from, String word) {
    int k = nextNonBlank(sql, from);
    int end = k + word.length();
    return end <= sql.length() && sql.regionMatches(true, k, word, 0, word.length())
        && (end == sql.length() || !Character.isLetterOrDigit(sql.charAt(end)) && sql.charAt(end) != '_');
  }

  private static boolean calledAsFunction(String sql, int from) {
    int k = from;
    while (k < sql.length() && Character.isWhitespace(sql.charAt(k))) {
      k++;
    }
    return k < sql.length() && sql.charAt(k) == '(';
  }

  private static boolean allowed(int cp) {
    if (cp == '\n' || cp == '\r' || cp == '\t') {
      return true;
    }
    int type = Character.getType(cp);
    return type != Character.CONTROL && type != Character.FORMAT && type != Character.PRIVATE_USE
        && type != Character.SURROGATE && type != Character.UNASSIGNED
        && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR;
  }

  private static void checkChars(String sql, int from, int to) {
    for (int k = from; k < to; ) {
      int cp = sql.codePointAt(k);
      if (!allowed(cp)) {
        int[] lc = position(sql, k);
        throw Refusals.denyControlCharacter(lc[0], lc[1], cp);
      }
      k += Character.charCount(cp);
    }
  }

  private static boolean onlyBlankOrComments(String sql, int from) {
    return nextNonBlank(sql, from) >= sql.length();
  }

  private static int nextNonBlank(String sql, int from) {
    int i = from;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c) || c == ';') {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int nl = sql.indexOf('\n', i);
        i = nl < 0 ? n : nl + 1;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int close = sql.indexOf("*/", i + 2);
        i = close < 0 ? n : close + 2;
      } else {
        return i;
      }
    }
    return n;
  }

  private static int[] advance(String sql, int from, int to, int line, int col) {
    for (int k = from; k < to; k++) {
      if (sql.charAt(k) == '\n') {
        line++;
        col = 1;
      } else if (!Character.isLowSurrogate(sql.charAt(k))) {
        col++;
      }
    }
    return new int[] {line, col};
  }

  static int[] position(String sql, int index) {
    return advance(sql, 0, index, 1, 1);
  }
}
