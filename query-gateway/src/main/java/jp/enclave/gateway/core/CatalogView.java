package jp.enclave.gateway.core;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jp.enclave.policies.Decision;

/**
 * What a session may learn about the project's catalog, for every front end (Flight SQL's
 * metadata calls, PostgreSQL's pg_catalog and information_schema answers), decided by the same
 * Cedar policies as queries: a session that may not query the project may not browse it either
 * (it gets the policy's reason), and a table's column list holds only the columns the session may
 * read (no free text in a remote session). Every decision is audited ({@code catalog.refused},
 * {@code catalog.listed}).
 */
public final class CatalogView {
  /** A table as one session may see it. */
  public record TableView(ProjectCatalog.TableInfo table, List<ProjectCatalog.ColumnInfo> columns, List<String> hidden) {}

  private final Gateway gateway;
  private final Clock clock;

  public CatalogView(Gateway gateway, Clock clock) {
    this.gateway = gateway;
    this.clock = clock;
  }

  /**
   * Asks the policies whether the session may query the project at all; refuses with their reason
   * (GW-POLICY-DENIED, audited as {@code catalog.refused}), otherwise returns the decision.
   */
  public Decision authorize(GatewaySession session, String call) {
    Decision d = gateway.policies().mayQuery(session.subject(), gateway.projectFacts(), session.kind().label(), clock.instant());
    if (!d.allowed()) {
      Map<String, Object> data = data(session, call);
      data.put("decision", "deny");
      data.put("reason", d.reason());
      gateway.auditEvent("catalog.refused", data);
      throw Refusals.denyQueryPolicy(d.reason());
    }
    return d;
  }

  /** Records what a permitted metadata call sent to the client. */
  public void listed(GatewaySession session, String call, Decision decision, Map<String, Object> detail) {
    Map<String, Object> data = data(session, call);
    data.put("decision", "allow");
    data.put("policies", decision.policyIds());
    data.putAll(detail);
    gateway.auditEvent("catalog.listed", data);
  }

  /** The tables matching the SQL LIKE {@code pattern} (null: all), each with the columns this session may read. */
  public List<TableView> tables(GatewaySession session, String pattern) {
    Instant now = clock.instant();
    List<TableView> out = new ArrayList<>();
    for (ProjectCatalog.TableInfo t : gateway.catalog().tables().values()) {
      if (pattern != null && !like(t.name(), pattern)) {
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      t.columns().values().forEach(c -> labels.put(c.name(), c.sensitivity().label()));
      Decision d = gateway.policies().mayRead(session.subject(), gateway.projectFacts(), session.kind().label(), now, t.name(), labels);
      List<String> hidden = d.allowed() ? List.of() : d.deniedColumns();
      List<ProjectCatalog.ColumnInfo> visible = t.columns().values().stream()
          .filter(c -> !hidden.contains(c.name())).toList();
      if (!visible.isEmpty()) {
        out.add(new TableView(t, visible, hidden));
      }
    }
    return out;
  }

  private static Map<String, Object> data(GatewaySession session, String call) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("call", call);
    data.put("user", session.userId());
    data.put("project", session.projectId());
    data.put("session", session.sessionId());
    data.put("sessionKind", session.kind().label());
    return data;
  }

  /** SQL LIKE with % and _ (Flight SQL's filter pattern, information_schema's LIKE). */
  public static boolean like(String value, String pattern) {
    return like(value, pattern, (char) 0);
  }

  /**
   * SQL LIKE where {@code escape} (0: none) makes the next character literal (JDBC's {@code \_}).
   * Matched by dynamic programming over the value's positions, not a regular expression: the
   * pattern comes from the client, and {@code %a%a%a…} must not cost exponential backtracking.
   */
  public static boolean like(String value, String pattern, char escape) {
    // reachable[i]: the pattern read so far can end after the value's first i characters
    boolean[] reachable = new boolean[value.length() + 1];
    reachable[0] = true;
    for (int p = 0; p < pattern.length(); p++) {
      char c = pattern.charAt(p);
      boolean literal = escape != 0 && c == escape && p + 1 < pattern.length();
      if (literal) {
        c = pattern.charAt(++p);
      }
      boolean[] next = new boolean[value.length() + 1];
      for (int i = 0; i <= value.length(); i++) {
        if (!literal && c == '%') {
          next[i] = reachable[i] || (i > 0 && next[i - 1]);
        } else if (i > 0 && reachable[i - 1]) {
          next[i] = (!literal && c == '_') || value.charAt(i - 1) == c;
        }
      }
      reachable = next;
    }
    return reachable[value.length()];
  }
}
