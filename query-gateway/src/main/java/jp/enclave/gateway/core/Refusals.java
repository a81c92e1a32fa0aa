package jp.enclave.gateway.core;

import java.util.List;
import jp.enclave.gateway.core.GatewayRefusal.Kind;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Every refusal the gateway can give, one static factory each, so that each reads the same and
 * can be grepped by its code. Messages address the researcher and never echo internals.
 */
public final class Refusals {
  private Refusals() {}

  private static GatewayRefusal at(SqlParserPos pos, String code, Kind kind, String message) {
    int line = pos == null || pos == SqlParserPos.ZERO ? 0 : pos.getLineNum();
    int col = pos == null || pos == SqlParserPos.ZERO ? 0 : pos.getColumnNum();
    return new GatewayRefusal(new Refusal(code, line, col, message), kind);
  }

  private static GatewayRefusal whole(String code, Kind kind, String message) {
    return new GatewayRefusal(new Refusal(code, 0, 0, message), kind);
  }

  public static GatewayRefusal denyEncoding(String detail) {
    return whole("GW-ENCODING", Kind.INVALID_ARGUMENT,
        "The query is not valid UTF-8 text (" + detail + ").");
  }

  public static GatewayRefusal denyControlCharacter(int line, int column, int codePoint) {
    return new GatewayRefusal(new Refusal("GW-ENCODING", line, column, String.format(
        "The query contains the invisible or control character U+%04X; retype that part of the query.", codePoint)),
        Kind.INVALID_ARGUMENT);
  }

  public static GatewayRefusal denyEmpty() {
    return whole("GW-EMPTY-QUERY", Kind.INVALID_ARGUMENT, "The query is empty.");
  }

  public static GatewayRefusal denyTooLarge(int length, int max) {
    return whole("GW-QUERY-TOO-LARGE", Kind.INVALID_ARGUMENT,
        "The query is " + length + " characters long; the limit is " + max + ".");
  }

  public static GatewayRefusal denyTooDeep(int line, int column, int max) {
    return new GatewayRefusal(new Refusal("GW-QUERY-TOO-COMPLEX", line, column,
        "The query nests more than " + max + " levels deep here; simplify it or use WITH."), Kind.INVALID_ARGUMENT);
  }

  public static GatewayRefusal denyTooManyNodes(int nodes, int max) {
    return whole("GW-QUERY-TOO-COMPLEX", Kind.INVALID_ARGUMENT,
        "The query has " + nodes + " elements; the limit is " + max + ". Split it into smaller queries.");
  }

  public static GatewayRefusal denySyntax(SqlParserPos pos, String detail) {
    return at(pos, "GW-SYNTAX", Kind.INVALID_ARGUMENT, "The query is not valid SQL: " + detail);
  }

  public static GatewayRefusal denyMultipleStatements(SqlParserPos pos) {
    return at(pos, "GW-MULTIPLE-STATEMENTS", Kind.INVALID_ARGUMENT,
        "Only one statement may be sent at a time; a second statement starts here.");
  }

  public static GatewayRefusal denyStatement(SqlParserPos pos, String what) {
    return at(pos, "GW-STATEMENT-NOT-ALLOWED", Kind.PERMISSION_DENIED,
        what + " statements are not allowed; only queries (SELECT, WITH, VALUES and set operations) are.");
  }

  public static GatewayRefusal denyConstruct(SqlParserPos pos, String what) {
    return at(pos, "GW-CONSTRUCT-NOT-ALLOWED", Kind.PERMISSION_DENIED,
        what + " is not allowed in enclave queries.");
  }

  public static GatewayRefusal denyRecursive(SqlParserPos pos) {
    return at(pos, "GW-RECURSIVE-NOT-ALLOWED", Kind.PERMISSION_DENIED,
        "WITH RECURSIVE is not allowed: recursive queries can run without bound; use window functions or joins.");
  }

  public static GatewayRefusal denyParameters(SqlParserPos pos) {
    return at(pos, "GW-PARAMETERS-NOT-ALLOWED", Kind.INVALID_ARGUMENT,
        "Query parameters (?) are not supported; write the value into the query.");
  }

  public static GatewayRefusal denyFunction(SqlParserPos pos, String name) {
    return at(pos, "GW-FUNCTION-NOT-ALLOWED", Kind.PERMISSION_DENIED,
        "The function " + name + " is not on the enclave's list of allowed functions.");
  }

  public static GatewayRefusal denySideChannel(SqlParserPos pos, String name, String why) {
    return at(pos, "GW-SIDE-CHANNEL", Kind.PERMISSION_DENIED,
        "The function " + name + " is not allowed: it " + why + ".");
  }

  public static GatewayRefusal denyTableFunction(SqlParserPos pos, String name) {
    return at(pos, "GW-TABLE-FUNCTION-NOT-ALLOWED", Kind.PERMISSION_DENIED,
        "Table functions such as " + name + " are not allowed: queries may read only the project's tables.");
  }

  public static GatewayRefusal denySystemCatalog(SqlParserPos pos, String name) {
    return at(pos, "GW-SYSTEM-CATALOG", Kind.PERMISSION_DENIED,
        "System catalogs such as " + name + " are not available; the project's tables are listed by the client's catalog browser.");
  }

  public static GatewayRefusal denyOtherProject(SqlParserPos pos, String name) {
    return at(pos, "GW-OTHER-PROJECT", Kind.PERMISSION_DENIED,
        "The name " + name + " points outside this project's data; refer to tables by their bare name.");
  }

  public static GatewayRefusal denyUnknownTable(SqlParserPos pos, String name) {
    return at(pos, "GW-UNKNOWN-TABLE", Kind.INVALID_ARGUMENT,
        "There is no table " + name + " in this project's extract.");
  }

  public static GatewayRefusal denyUnknownColumn(SqlParserPos pos, String name) {
    return at(pos, "GW-UNKNOWN-COLUMN", Kind.INVALID_ARGUMENT,
        "There is no column " + name + " in the tables this query reads.");
  }

  public static GatewayRefusal denyInvalid(SqlParserPos pos, String detail) {
    return at(pos, "GW-INVALID-QUERY", Kind.INVALID_ARGUMENT, "The query cannot be checked: " + detail);
  }

  public static GatewayRefusal denyQueryPolicy(String reason) {
    return whole("GW-POLICY-DENIED", Kind.PERMISSION_DENIED,
        "You may not query this project now: " + reason + ".");
  }

  public static GatewayRefusal denyColumnPolicy(SqlParserPos pos, String table, List<String> columns, String reason) {
    return at(pos, "GW-COLUMN-DENIED", Kind.PERMISSION_DENIED,
        "You may not read " + table + "." + String.join(", " + table + ".", columns) + " in this session: " + reason + ".");
  }

  /** The second column check met a plan it cannot read completely: refused rather than guessed. */
  public static GatewayRefusal denyPlanUnchecked(String what) {
    return whole("GW-COLUMN-CHECK", Kind.PERMISSION_DENIED,
        "The gateway could not confirm which columns this query reads (DuckDB's plan has " + what
            + "), so it does not run it.");
  }

  public static GatewayRefusal denySessionLimit(int max) {
    return whole("GW-SESSION-LIMIT", Kind.RESOURCE_EXHAUSTED,
        "This session already has " + max + " queries running or waiting, the most a session may have; "
            + "wait for one to finish.");
  }

  public static GatewayRefusal denyUserLimit(int max) {
    return whole("GW-USER-LIMIT", Kind.RESOURCE_EXHAUSTED,
        "You already have " + max + " queries running or waiting over all your sessions, the most one person "
            + "may have; wait for one to finish.");
  }

  public static GatewayRefusal denyMemory(String limit) {
    return whole("GW-MEMORY-LIMIT", Kind.RESOURCE_EXHAUSTED,
        "The query was stopped: it needed more memory than the " + limit + " a query may use. Aggregate or "
            + "filter earlier, or split it.");
  }

  public static GatewayRefusal denyBusy(int max) {
    return whole("GW-BUSY", Kind.RESOURCE_EXHAUSTED,
        "The project already runs " + max + " queries; try again when one finishes.");
  }

  public static GatewayRefusal denyTimeout(java.time.Duration limit) {
    return whole("GW-TIMEOUT", Kind.TIMED_OUT,
        "The query ran longer than the limit of " + limit.toSeconds() + " seconds and was stopped.");
  }

  public static GatewayRefusal denyCancelled() {
    return whole("GW-CANCELLED", Kind.CANCELLED, "The query was cancelled.");
  }

  public static GatewayRefusal denyExecution(String detail) {
    return whole("GW-EXECUTION-FAILED", Kind.INVALID_ARGUMENT, "DuckDB could not run the query: " + detail);
  }

  public static GatewayRefusal denyToken(String why) {
    return whole("GW-TOKEN-INVALID", Kind.UNAUTHENTICATED, "The session token was not accepted: " + why + ".");
  }

  public static GatewayRefusal denyTokenProject(String tokenProject) {
    return whole("GW-TOKEN-WRONG-PROJECT", Kind.PERMISSION_DENIED,
        "The session token is for project " + tokenProject + ", not for the project this gateway serves.");
  }

  /** A session the enclave server ended, revoked or let lapse, or does not list as open: refused before anything runs. */
  public static GatewayRefusal denySessionEnded(String reason) {
    return whole("GW-SESSION-ENDED", Kind.PERMISSION_DENIED,
        "The session is no longer open (" + reason + "); open a new session in the enclave portal.");
  }

  /** The same, for a query that was running when its session ended: it is cancelled. */
  public static GatewayRefusal cancelSessionEnded(String reason) {
    return whole("GW-SESSION-ENDED", Kind.CANCELLED,
        "The query was cancelled because its session ended (" + reason + ").");
  }

  /** The gateway cannot confirm sessions with the enclave server for longer than it may go on without it. */
  public static GatewayRefusal denyServerUnreachable(String reason) {
    return whole("GW-SERVER-UNREACHABLE", Kind.RESOURCE_EXHAUSTED,
        "The gateway cannot reach the enclave server: " + reason + "; try again shortly.");
  }

  public static GatewayRefusal denyUnknownHandle(String what) {
    return whole("GW-UNKNOWN-HANDLE", Kind.NOT_FOUND,
        "The " + what + " is unknown, expired, already used or belongs to another session.");
  }

  public static GatewayRefusal denyInternal(String queryId) {
    return whole("GW-INTERNAL", Kind.INTERNAL,
        "The gateway failed internally; quote query " + queryId + " to the enclave's support.");
  }
}
