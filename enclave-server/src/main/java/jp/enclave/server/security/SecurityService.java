package jp.enclave.server.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import jp.enclave.policies.ServerPolicies;
import jp.enclave.server.access.Access;
import jp.enclave.server.access.Caller;
import jp.enclave.server.access.Refusals;
import jp.enclave.server.audit.AuditTrail;
import jp.enclave.server.audit.TrailEntry;
import jp.enclave.server.audit.ZoneAudit;

/**
 * The auditor's security review: refused queries per user (the gateways' trails), failed logins
 * (Keycloak), revocations and registry/role changes (the server's trail), and alerts raised when
 * a {@link Thresholds} rule is crossed. Raising is idempotent (one alert per rule, subject and
 * window) and audited as the server; acknowledging is the auditor's one state change, audited.
 */
public final class SecurityService {
  /** Server events that change who may do what: the registry, roles in projects, terminals, alerts. */
  public static final List<String> CHANGE_PREFIXES = List.of("organisation.", "user.", "project.", "terminal.",
      "alert.acknowledged");

  /** Where alert counts go besides the database (the portal banner reads the store). */
  public interface Metrics {
    Metrics NONE = new Metrics() {
      @Override
      public void raised(String rule) {}

      @Override
      public void open(long count) {}
    };

    void raised(String rule);

    void open(long count);
  }

  private final ZoneAudit trails;
  private final LoginFailures logins;
  private final AlertStore alerts;
  private final Thresholds thresholds;
  private final Access access;
  private final ServerPolicies policies;
  private final AuditTrail audit;
  private final Clock clock;
  private final Metrics metrics;

  public SecurityService(ZoneAudit trails, LoginFailures logins, AlertStore alerts, Thresholds thresholds,
      Access access, ServerPolicies policies, AuditTrail audit, Clock clock, Metrics metrics) {
    this.trails = trails;
    this.logins = logins;
    this.alerts = alerts;
    this.thresholds = thresholds;
    this.access = access;
    this.policies = policies;
    this.audit = audit;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** What the auditor reviews, for the last {@code hours}. {@code loginProblem} says why logins could not be read. */
  public record View(Instant since, Map<String, Long> refusedByUser, List<TrailEntry> refusedQueries,
      Map<String, Long> failedByAccount, List<LoginFailures.Failure> failedLogins, String loginProblem,
      List<TrailEntry> revocations, List<TrailEntry> changes, List<Alert> alerts, List<Thresholds.Rule> rules) {}

  public View view(Caller c, int hours) {
    access.requireReadAudit(c);
    Instant since = clock.instant().minus(Duration.ofHours(Math.max(1, Math.min(hours, 24 * 31))));
    List<TrailEntry> refused = trails.zoneEvents("query.refused", since);
    Map<String, Long> byUser = new TreeMap<>();
    refused.forEach(e -> byUser.merge(e.user().isEmpty() ? "(unknown)" : e.user(), 1L, Long::sum));
    List<LoginFailures.Failure> failed = List.of();
    String problem = null;
    try {
      failed = logins.since(since);
    } catch (IllegalStateException e) {
      problem = e.getMessage();
    }
    Map<String, Long> byAccount = new TreeMap<>();
    failed.forEach(f -> byAccount.merge(f.account(), 1L, Long::sum));
    List<TrailEntry> server = trails.serverEntries(since);
    List<TrailEntry> revocations = server.stream()
        .filter(e -> e.event().equals("session.revoked") || e.event().equals("session.lapsed")).toList();
    List<TrailEntry> changes = server.stream()
        .filter(e -> CHANGE_PREFIXES.stream().anyMatch(p -> e.event().startsWith(p))).toList();
    return new View(since, byUser, newestFirst(refused), byAccount, failed, problem, newestFirst(revocations),
        newestFirst(changes), alerts.recent(100), thresholds.rules());
  }

  /**
   * Counts the last day's security events and raises an alert for every threshold crossed that
   * has none yet (run by the server's schedule and when the view is opened). Returns the new ones.
   */
  public List<Alert> evaluate() {
    Instant since = clock.instant().minus(Duration.ofDays(1));
    List<Thresholds.Observation> seen = new ArrayList<>();
    trails.zoneEvents("query.refused", since).forEach(e ->
        seen.add(new Thresholds.Observation("query.refused", e.user().isEmpty() ? "(unknown)" : e.user(), e.at())));
    for (String event : Thresholds.GATEWAY_AUTH_EVENTS) {
      trails.zoneEvents(event, since).forEach(e -> seen.add(new Thresholds.Observation("gateway.auth-failed",
          e.project().isEmpty() ? "(unknown)" : e.project(), e.at())));
    }
    String loginProblem = null;
    try {
      logins.since(since).forEach(f -> seen.add(new Thresholds.Observation("login.failed", f.account(), f.at())));
    } catch (IllegalStateException e) {
      loginProblem = e.getMessage();
    }
    for (TrailEntry e : trails.serverEntries(since)) {
      if (e.event().equals("audit.zone-trail-broken")) {
        seen.add(new Thresholds.Observation(e.event(), e.target().replaceFirst("^zone/", ""), e.at()));
      } else if (e.event().equals("session.revoked")) {
        seen.add(new Thresholds.Observation(e.event(), e.project().isEmpty() ? "(unknown)" : e.project(), e.at()));
      }
    }
    List<Alert> raised = new ArrayList<>();
    for (Thresholds.Crossing x : thresholds.crossings(seen)) {
      if (alerts.exists(x.rule(), x.subject(), x.windowStart())) {
        continue;
      }
      String detail = x.observed() + " in the window from " + x.windowStart() + " (threshold " + x.limit() + ")";
      Alert a = new Alert(UUID.randomUUID().toString(), x.rule(), x.subject(), x.windowStart(), x.observed(), x.limit(),
          detail, clock.instant(), null, null, null, 0);
      alerts.insert(a);
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("rule", x.rule());
      d.put("subject", x.subject());
      d.put("observed", x.observed());
      d.put("threshold", x.limit());
      d.put("windowStart", x.windowStart().toString());
      audit.record(Caller.SYSTEM.subject(), "alert.raised", "alert/" + a.id(), d);
      metrics.raised(x.rule());
      raised.add(a);
    }
    if (loginProblem != null && raised.isEmpty()) {
      java.util.logging.Logger.getLogger(SecurityService.class.getName()).warning("failed logins not read: " + loginProblem);
    }
    metrics.open(alerts.openCount());
    return raised;
  }

  public List<Alert> alerts(Caller c) {
    access.requireReadAudit(c);
    return alerts.recent(200);
  }

  /** Open alerts (the portal's banner for auditors). */
  public long openCount() {
    return alerts.openCount();
  }

  public Alert acknowledge(Caller c, String alertId, String note) {
    Alert a = alerts.find(alertId).orElseThrow(() -> Refusals.notFound("alert", alertId));
    access.check(c, "acknowledge the alert", "alert/" + alertId, (actor, now) -> policies.mayAcknowledgeAlert(actor, now));
    if (!a.open()) {
      throw Refusals.alertAcknowledged(alertId, a.acknowledgedBy());
    }
    String n = note == null ? "" : note.trim();
    Alert acked = new Alert(a.id(), a.rule(), a.subject(), a.windowStart(), a.observed(), a.threshold(), a.detail(),
        a.raisedAt(), c.subject(), clock.instant(), n, a.version());
    alerts.update(acked);
    audit.record(c.subject(), "alert.acknowledged", "alert/" + a.id(),
        Map.of("rule", a.rule(), "subject", a.subject(), "note", n));
    metrics.open(alerts.openCount());
    return alerts.find(alertId).orElseThrow();
  }

  private static List<TrailEntry> newestFirst(List<TrailEntry> l) {
    List<TrailEntry> out = new ArrayList<>(l);
    out.sort(java.util.Comparator.comparing(TrailEntry::at).reversed());
    return out.size() > 500 ? out.subList(0, 500) : out;
  }

}
