package jp.enclave.gateway.core;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
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
      org.apache.calcite.sql.parser.SqlParser.create("").getMetadata();

  /** Reserved words that follow AS as a type in CAST(x AS DATE), never quoted. */
  private static final Set<String> TYPE_NAMES = Set.of("DATE", "TIME", "TIMESTAMP", "INTEGER", "INT", "BIGINT",
      "SMALLINT", "TINYINT", "DOUBLE", "FLOAT", "REAL", "DECIMAL", "NUMERIC", "VARCHAR", "CHAR", "CHARACTER",
      "BOOLEAN", "INTERVAL", "VARBINARY", "BINARY", "DEC", "PRECISION");

  private final GatewayConfig config;
  private final Set<String> reservedNames;

  /**
   * The statement to parse, and where the guard quoted a catalog name that Calcite reserves (such
   * as lab_result.value) so positions can be mapped back to the researcher's text.
   */
  record Prepared(String text, java.util.List<int[]> quoted) {
    /** The researcher's column for a position in the prepared text. */
    int originalColumn(int line, int column) {
      int shift = 0;
      for (int[] q : quoted) {
        if (q[0] == line && q[1] < column - shift) {
          shift += 2;
        }
      }
      return column - shift;
    }

    /** The refusal with its position moved back into the researcher's own text. */
    GatewayRefusal located(GatewayRefusal r) {
      return quoted.isEmpty() ? r : r.atColumn(originalColumn(r.refusal().line(), r.refusal().column()));
    }
  }

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
  Prepared check(String sql) {
    if (sql.length() > config.maxQueryChars()) {
      throw Refusals.denyTooLarge(sql.length(), config.maxQueryChars());
    }
    int line = 1;
    int col = 1;
    int depth = 0;
    int end = sql.length();
    String firstWord = null;
    int firstLine = 0;
    int firstCol = 0;
    int i = 0;
    int n = sql.length();
    java.util.List<int[]> quoted = new java.util.ArrayList<>();
    StringBuilder out = new StringBuilder(sql.length() + 8);
    String previousWord = null;
    int copied = 0;
    while (i < n) {
      int cp = sql.codePointAt(i);
      int width = Character.charCount(cp);
      if (!allowed(cp)) {
        throw Refusals.denyControlCharacter(line, col, cp);
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
      if (!Character.isWhitespace(c) && !Character.isLetter(cp) && c != '_') {
        previousWord = null;
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
        if (firstWord == null) {
          firstWord = word;
          firstLine = line;
          firstCol = col;
        } else if ((reservedNames.contains(word.toLowerCase(Locale.ROOT))
            || "AS".equalsIgnoreCase(previousWord) && RESERVED.isReservedWord(word.toUpperCase(Locale.ROOT))
                && !TYPE_NAMES.contains(word.toUpperCase(Locale.ROOT)))
            && !calledAsFunction(sql, j)) {
          out.append(sql, copied, i).append('"').append(word.toLowerCase(Locale.ROOT)).append('"');
          copied = j;
          quoted.add(new int[] {line, col});
        }
        previousWord = word;
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
    return new Prepared(out.toString(), quoted);
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
