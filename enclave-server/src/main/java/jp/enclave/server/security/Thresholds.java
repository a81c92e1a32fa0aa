package jp.enclave.server.security;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The alert rules as one table: which security event is counted, per what subject, in which
 * window, and from how many an alert is raised. Limits come from configuration; the table and its
 * evaluation are pure and tested row by row.
 */
public final class Thresholds {
  /** One rule: {@code limit} or more {@code event}s of one subject within a fixed window raise an alert. */
  public record Rule(String name, String event, String per, Duration window, long limit) {}

  /** A security event as counted: which rule's event, whose, when. */
  public record Observation(String event, String subject, Instant at) {}

  /** A threshold crossed: the rule, the subject, the window it was crossed in, the count. */
  public record Crossing(String rule, String subject, Instant windowStart, long observed, long limit) {}

  public static final String REFUSED_QUERIES = "refused-queries";
  public static final String FAILED_LOGINS = "failed-logins";
  public static final String ZONE_TRAIL_BROKEN = "zone-trail-broken";
  public static final String REVOCATIONS = "revocations";
  /**
   * Failed authentications at a project's gateway (a wrong PostgreSQL password, a refused Flight
   * token): tried from outside, a run of wrong passwords was audited by the gateway but raised
   * nothing. Both events count towards one rule, per project.
   */
  public static final String GATEWAY_AUTH_FAILURES = "gateway-auth-failures";
  /** The gateway trail events {@link #GATEWAY_AUTH_FAILURES} counts. */
  public static final List<String> GATEWAY_AUTH_EVENTS = List.of("pgwire.auth-failed", "session.rejected");

  private final List<Rule> rules;

  public Thresholds(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /**
   * The enclave's rules: refused queries per user per hour (gateway trails), failed logins per
   * account per hour (Keycloak), any broken zone trail (witnessing), revocations per day, failed
   * gateway authentications per project per hour.
   */
  public static Thresholds of(long refusedQueriesPerHour, long failedLoginsPerHour, long revocationsPerDay,
      long gatewayAuthFailuresPerHour) {
    return new Thresholds(List.of(
        new Rule(REFUSED_QUERIES, "query.refused", "user", Duration.ofHours(1), refusedQueriesPerHour),
        new Rule(FAILED_LOGINS, "login.failed", "account", Duration.ofHours(1), failedLoginsPerHour),
        new Rule(ZONE_TRAIL_BROKEN, "audit.zone-trail-broken", "zone", Duration.ofDays(1), 1),
        new Rule(REVOCATIONS, "session.revoked", "project", Duration.ofDays(1), revocationsPerDay),
        new Rule(GATEWAY_AUTH_FAILURES, "gateway.auth-failed", "project", Duration.ofHours(1), gatewayAuthFailuresPerHour)));
  }

  public List<Rule> rules() {
    return rules;
  }

  /** Every (rule, subject, window) whose count reaches the rule's limit; windows are fixed (epoch-aligned). */
  public List<Crossing> crossings(List<Observation> observations) {
    List<Crossing> out = new java.util.ArrayList<>();
    for (Rule r : rules) {
      if (r.limit() <= 0) {
        continue; // a rule switched off by configuration
      }
      long w = r.window().toSeconds();
      Map<String, Map<Long, Long>> counts = observations.stream().filter(o -> o.event().equals(r.event()))
          .collect(Collectors.groupingBy(Observation::subject, TreeMap::new,
              Collectors.groupingBy(o -> Math.floorDiv(o.at().getEpochSecond(), w) * w, TreeMap::new,
                  Collectors.counting())));
      counts.forEach((subject, windows) -> windows.forEach((start, n) -> {
        if (n >= r.limit()) {
          out.add(new Crossing(r.name(), subject, Instant.ofEpochSecond(start), n, r.limit()));
        }
      }));
    }
    return out;
  }
}
