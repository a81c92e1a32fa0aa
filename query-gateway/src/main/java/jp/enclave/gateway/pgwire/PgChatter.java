package jp.enclave.gateway.pgwire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import jp.enclave.gateway.pgwire.PgSql.Kind;
import jp.enclave.gateway.pgwire.PgSql.Token;

/**
 * What PostgreSQL clients send besides queries, answered by the gateway itself: transaction
 * control (a read-only transaction; READ WRITE refused), SET/RESET/SHOW of the settings in
 * {@link Setting} (ONE table: each setting's value and what it may be set to), DISCARD ALL, and
 * the scalar calls in {@link #SCALARS} ({@code SELECT version()}, {@code current_schema()}...).
 * Recognised on tokens (strings and comments cannot fake a keyword); a value must be a single
 * literal or name, so no expression, subquery or second statement rides on a SET. Anything not
 * recognised here goes to the core, which refuses what is not an analytic query.
 */
final class PgChatter {
  /** A setting a client may read or set, with the values it may take; everything else is refused. */
  enum Setting {
    SERVER_VERSION("server_version", "14.22", null, true),
    SERVER_ENCODING("server_encoding", "UTF8", null, true),
    CLIENT_ENCODING("client_encoding", "UTF8", v -> v.equalsIgnoreCase("UTF8") || v.equalsIgnoreCase("UTF-8")
        || v.equalsIgnoreCase("UNICODE"), true),
    DATESTYLE("DateStyle", "ISO, MDY", v -> Pattern.matches("(?i)\\s*ISO\\s*(,\\s*(MDY|DMY|YMD)\\s*)?", v)
        || Pattern.matches("(?i)\\s*(MDY|DMY|YMD)\\s*,\\s*ISO\\s*", v), true),
    INTERVALSTYLE("IntervalStyle", "postgres", v -> v.equalsIgnoreCase("postgres"), true),
    TIMEZONE("TimeZone", "UTC", v -> Pattern.matches("(?i)UTC|Etc/UTC|GMT|Etc/GMT|Z|UCT|\\+?0+(:00)?", v), true),
    INTEGER_DATETIMES("integer_datetimes", "on", null, true),
    STANDARD_CONFORMING_STRINGS("standard_conforming_strings", "on", v -> v.equalsIgnoreCase("on")
        || v.equalsIgnoreCase("true"), true),
    APPLICATION_NAME("application_name", "", v -> v.length() <= 64 && v.codePoints().allMatch(c -> c >= 0x20 && c < 0x7f), true),
    EXTRA_FLOAT_DIGITS("extra_float_digits", "1", v -> Pattern.matches("-?\\d{1,2}", v)
        && Math.abs(Integer.parseInt(v)) <= 15 && Integer.parseInt(v) <= 3, false),
    SEARCH_PATH("search_path", "\"$user\", public", v -> Pattern.matches(
        "(?i)(\\s*(\"?\\$user\"?|public|\"public\"|pg_catalog)\\s*,?)+", v), false),
    IS_SUPERUSER("is_superuser", "off", null, true),
    SESSION_AUTHORIZATION("session_authorization", "", null, true),
    DEFAULT_TRANSACTION_READ_ONLY("default_transaction_read_only", "on", null, true),
    TRANSACTION_READ_ONLY("transaction_read_only", "on", null, false),
    TRANSACTION_ISOLATION("transaction_isolation", "read committed", null, false),
    IN_HOT_STANDBY("in_hot_standby", "off", null, true),
    MAX_IDENTIFIER_LENGTH("max_identifier_length", "63", null, false),
    BYTEA_OUTPUT("bytea_output", "hex", v -> v.equalsIgnoreCase("hex"), false),
    LC_MESSAGES("lc_messages", "C", v -> v.equalsIgnoreCase("C") || v.equalsIgnoreCase("en_US.UTF-8")
        || v.equalsIgnoreCase("en_US.utf8") || v.equalsIgnoreCase("C.UTF-8"), false),
    CLIENT_MIN_MESSAGES("client_min_messages", "notice", v -> Pattern.matches(
        "(?i)debug[1-5]?|log|notice|warning|error", v), false);

    final String pgName;
    final String initial;
    /** Values it may be set to; null: read-only. */
    final Predicate<String> settable;
    /** Sent as ParameterStatus at startup and when it changes. */
    final boolean reported;

    Setting(String pgName, String initial, Predicate<String> settable, boolean reported) {
      this.pgName = pgName;
      this.initial = initial;
      this.settable = settable;
      this.reported = reported;
    }

    static Setting named(String name) {
      String n = name.toLowerCase(Locale.ROOT);
      if (n.equals("time zone")) {
        return TIMEZONE;
      }
      for (Setting s : values()) {
        if (s.pgName.toLowerCase(Locale.ROOT).equals(n)) {
          return s;
        }
      }
      return null;
    }
  }

  /** Scalar calls answered without a query: function name → result type. */
  static final Map<String, PgTypes.Type> SCALARS = Map.of(
      "version", PgTypes.Type.TEXT,
      "current_schema", PgTypes.Type.NAME,
      "current_database", PgTypes.Type.NAME,
      "current_catalog", PgTypes.Type.NAME,
      "current_user", PgTypes.Type.NAME,
      "session_user", PgTypes.Type.NAME,
      "user", PgTypes.Type.NAME,
      "pg_backend_pid", PgTypes.Type.INT4,
      "current_setting", PgTypes.Type.TEXT);

  /** What a chatter statement asks for. */
  sealed interface Action permits Begin, End, SetValue, Reset, Show, Discard, Scalars, SetTransaction, Savepoint {}

  record Begin(String tag) implements Action {}

  /** COMMIT/END (commit) or ROLLBACK/ABORT. */
  record End(boolean commit, String tag) implements Action {}

  record SetValue(Setting setting, String value) implements Action {}

  /** setting null: RESET ALL. */
  record Reset(Setting setting) implements Action {}

  /** setting null: SHOW ALL; {@code label} the column name PostgreSQL gives. */
  record Show(Setting setting, String label) implements Action {}

  record Discard() implements Action {}

  /** One call per output column: name, alias, argument (current_setting's). */
  record Scalars(List<String[]> calls) implements Action {}

  record SetTransaction() implements Action {}

  /** SAVEPOINT, RELEASE [SAVEPOINT], ROLLBACK TO [SAVEPOINT] (psycopg 3 nests its own lookups in them). */
  record Savepoint(String tag, boolean rollbackTo) implements Action {}

  private PgChatter() {}

  /** The action for a statement's tokens, null if it is not chatter, or a refusal. */
  static Action classify(List<Token> t) {
    if (t.isEmpty() || t.get(0).kind() != Kind.WORD) {
      return null;
    }
    String first = t.get(0).text();
    return switch (first) {
      case "begin" -> transactionStart(t, skipWords(t, 1, "work", "transaction"), "BEGIN");
      case "start" -> t.size() >= 2 && t.get(1).is("transaction") ? transactionStart(t, 2, "START TRANSACTION") : null;
      case "commit", "end" -> end(t, true, "COMMIT");
      case "rollback", "abort" -> t.size() > 1 && t.get(1).is("to") ? savepoint(t, 2, "ROLLBACK", true)
          : end(t, false, "ROLLBACK");
      case "savepoint" -> savepoint(t, 1, "SAVEPOINT", false);
      case "release" -> savepoint(t, 1, "RELEASE", false);
      case "set" -> set(t);
      case "reset" -> reset(t);
      case "show" -> show(t);
      case "discard" -> {
        if (t.size() == 2 && t.get(1).is("all")) {
          yield new Discard();
        }
        throw refused(t.get(0), "only DISCARD ALL is served");
      }
      case "select" -> scalars(t);
      default -> null;
    };
  }

  private static int skipWords(List<Token> t, int i, String... words) {
    while (i < t.size() && Arrays.asList(words).contains(t.get(i).text()) && t.get(i).kind() == Kind.WORD) {
      i++;
    }
    return i;
  }

  /** BEGIN / START TRANSACTION with modes: isolation levels, READ ONLY, [NOT] DEFERRABLE; READ WRITE refused. */
  private static Action transactionStart(List<Token> t, int i, String tag) {
    checkModes(t, i);
    return new Begin(tag);
  }

  private static void checkModes(List<Token> t, int i) {
    List<String> words = new ArrayList<>();
    for (int k = i; k < t.size(); k++) {
      Token x = t.get(k);
      if (x.is(",")) {
        continue;
      }
      if (x.kind() != Kind.WORD) {
        throw refused(x, "a transaction mode must be READ ONLY, ISOLATION LEVEL ... or [NOT] DEFERRABLE");
      }
      words.add(x.text());
    }
    String modes = String.join(" ", words);
    if (modes.contains("read write")) {
      throw new PgError("25006", "GW-READ-ONLY", "The gateway serves read-only transactions only.",
          t.get(i).start() + 1);
    }
    if (!Pattern.matches("((isolation level (serializable|repeatable read|read committed|read uncommitted)"
        + "|read only|not deferrable|deferrable)\\s*)*", modes)) {
      throw refused(t.get(Math.min(i, t.size() - 1)), "unknown transaction mode '" + modes + "'");
    }
  }

  private static Action end(List<Token> t, boolean commit, String tag) {
    int i = skipWords(t, 1, "work", "transaction");
    if (i != t.size()) {
      throw refused(t.get(i), "only " + tag + " [WORK | TRANSACTION] is served (no AND CHAIN, no savepoints)");
    }
    return new End(commit, tag);
  }

  private static Action savepoint(List<Token> t, int i, String tag, boolean rollbackTo) {
    if (i < t.size() && t.get(i).is("savepoint") && !tag.equals("SAVEPOINT")) {
      i++;
    }
    if (i != t.size() - 1 || !(t.get(i).kind() == Kind.WORD || t.get(i).kind() == Kind.QUOTED)) {
      throw refused(t.get(Math.min(i, t.size() - 1)), tag + " takes one savepoint name");
    }
    return new Savepoint(tag, rollbackTo);
  }

  private static Action set(List<Token> t) {
    int i = skipWords(t, 1, "session");
    if (i < t.size() && t.get(i).is("local")) {
      i++;
    }
    if (i < t.size() && t.get(i).is("transaction")) {
      checkModes(t, i + 1);
      return new SetTransaction();
    }
    if (i + 2 < t.size() && t.get(i).is("session") && t.get(i + 1).is("characteristics")) {
      int k = i + 2;
      if (k < t.size() && t.get(k).is("as")) {
        k++;
      }
      if (k < t.size() && t.get(k).is("transaction")) {
        checkModes(t, k + 1);
        return new SetTransaction();
      }
    }
    if (i + 1 < t.size() && t.get(i).is("time") && t.get(i + 1).is("zone")) {
      return setValue(t, Setting.TIMEZONE, i + 2, t.get(i));
    }
    if (i >= t.size() || !(t.get(i).kind() == Kind.WORD || t.get(i).kind() == Kind.QUOTED)) {
      throw refused(t.get(Math.min(i, t.size() - 1)), "SET needs a setting name");
    }
    Setting s = Setting.named(t.get(i).text());
    if (s == null || s.settable == null) {
      throw new PgError("42501", "GW-SETTING-NOT-ALLOWED", "The setting '" + t.get(i).text()
          + "' cannot be changed through the gateway.", t.get(i).start() + 1);
    }
    int k = i + 1;
    if (k < t.size() && (t.get(k).is("to") || t.get(k).is("="))) {
      k++;
    }
    return setValue(t, s, k, t.get(i));
  }

  /** The value: literals or names separated by commas, nothing else (DEFAULT resets). */
  private static Action setValue(List<Token> t, Setting s, int k, Token at) {
    if (k >= t.size()) {
      throw refused(at, "SET " + s.pgName + " needs a value");
    }
    if (k == t.size() - 1 && t.get(k).is("default") || k == t.size() - 1 && t.get(k).is("local")) {
      return new Reset(s);
    }
    StringBuilder value = new StringBuilder();
    boolean expectValue = true;
    for (int j = k; j < t.size(); j++) {
      Token x = t.get(j);
      if (expectValue) {
        if (x.kind() == Kind.SYMBOL && x.is("-") && j + 1 < t.size() && t.get(j + 1).kind() == Kind.NUMBER) {
          value.append('-');
          continue;
        }
        if (x.kind() == Kind.PARAM || x.kind() == Kind.SYMBOL) {
          throw refused(x, "a setting's value must be a literal or a name");
        }
        value.append(x.kind() == Kind.QUOTED ? "\"" + x.text() + "\"" : x.text());
        expectValue = false;
      } else {
        if (!x.is(",")) {
          throw refused(x, "a setting's value must be a literal or a name");
        }
        value.append(", ");
        expectValue = true;
      }
    }
    String v = value.toString();
    if (!s.settable.test(v)) {
      throw new PgError("22023", "GW-SETTING-VALUE", "The gateway serves " + s.pgName + " = '" + s.initial
          + "' only; '" + v + "' is not supported.", t.get(k).start() + 1);
    }
    return new SetValue(s, v);
  }

  private static Action reset(List<Token> t) {
    if (t.size() == 2 && t.get(1).is("all")) {
      return new Reset(null);
    }
    Setting s = t.size() == 2 ? Setting.named(t.get(1).text()) : null;
    if (s == null || s.settable == null) {
      throw new PgError("42501", "GW-SETTING-NOT-ALLOWED", "Only the gateway's settable settings can be reset.",
          t.get(Math.min(1, t.size() - 1)).start() + 1);
    }
    return new Reset(s);
  }

  private static Action show(List<Token> t) {
    if (t.size() == 2 && t.get(1).is("all")) {
      return new Show(null, null);
    }
    String name;
    if (t.size() == 3 && t.get(1).is("time") && t.get(2).is("zone")) {
      name = "TimeZone";
    } else if (t.size() == 4 && t.get(1).is("transaction") && t.get(2).is("isolation") && t.get(3).is("level")) {
      return new Show(Setting.TRANSACTION_ISOLATION, "transaction_isolation");
    } else if (t.size() == 2 && (t.get(1).kind() == Kind.WORD || t.get(1).kind() == Kind.QUOTED)) {
      name = t.get(1).text();
    } else {
      throw new PgError("42601", "GW-SETTING-NOT-ALLOWED", "SHOW takes one setting name.",
          t.get(Math.min(1, t.size() - 1)).start() + 1);
    }
    Setting s = Setting.named(name);
    if (s == null) {
      throw new PgError("42704", "GW-SETTING-NOT-ALLOWED", "The setting '" + name
          + "' is not served by the gateway.", t.get(1).start() + 1);
    }
    return new Show(s, s.pgName.toLowerCase(Locale.ROOT).equals("timezone") ? "TimeZone" : s.pgName);
  }

  /**
   * {@code SELECT f() [AS a], ...} where every f is in {@link #SCALARS} (optionally
   * {@code pg_catalog.}-qualified; current_user and friends without parentheses), or
   * {@code SELECT current_setting('name')} of a served setting. Anything else is not chatter.
   */
  private static Action scalars(List<Token> t) {
    List<String[]> calls = new ArrayList<>();
    int i = 1;
    while (i < t.size()) {
      int k = i;
      if (k + 1 < t.size() && t.get(k).is("pg_catalog") && t.get(k + 1).is(".")) {
        k += 2;
      }
      if (k >= t.size() || t.get(k).kind() != Kind.WORD || !SCALARS.containsKey(t.get(k).text())) {
        return null;
      }
      String fn = t.get(k).text();
      k++;
      String arg = null;
      if (k < t.size() && t.get(k).is("(")) {
        if (fn.equals("current_setting") && k + 2 < t.size() && t.get(k + 1).kind() == Kind.STRING
            && t.get(k + 2).is(")")) {
          arg = t.get(k + 1).text();
          if (Setting.named(arg) == null) {
            return null;
          }
          k += 3;
        } else if (k + 1 < t.size() && t.get(k + 1).is(")") && !fn.equals("current_setting")) {
          k += 2;
        } else {
          return null;
        }
      } else if (!(fn.equals("current_user") || fn.equals("session_user") || fn.equals("user")
          || fn.equals("current_catalog"))) {
        return null;
      }
      String alias = fn;
      if (k < t.size() && t.get(k).is("as")) {
        k++;
        if (k >= t.size() || !(t.get(k).kind() == Kind.WORD || t.get(k).kind() == Kind.QUOTED)) {
          return null;
        }
        alias = t.get(k).text();
        k++;
      }
      calls.add(new String[] {fn, alias, arg});
      if (k == t.size()) {
        return new Scalars(calls);
      }
      if (!t.get(k).is(",")) {
        return null;
      }
      i = k + 1;
    }
    return null;
  }

  private static PgError refused(Token at, String why) {
    return new PgError("42601", "GW-STATEMENT-NOT-ALLOWED", "The gateway does not serve this: " + why + ".",
        at.start() + 1);
  }

  /** The settings a new connection starts with. */
  static Map<Setting, String> initial() {
    Map<Setting, String> m = new LinkedHashMap<>();
    for (Setting s : Setting.values()) {
      m.put(s, s.initial);
    }
    return m;
  }
}
