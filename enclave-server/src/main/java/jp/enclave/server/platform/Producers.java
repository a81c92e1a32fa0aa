package jp.enclave.server.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import jp.enclave.policies.ServerPolicies;
import jp.enclave.server.access.Access;
import jp.enclave.server.audit.AuditReader;
import jp.enclave.server.audit.JpaAuditTrail;
import jp.enclave.server.registry.JpaRegistryStore;
import jp.enclave.server.registry.RegistryService;
import jp.enclave.server.sessions.GatewayTokens;
import jp.enclave.server.sessions.JpaSessionStore;
import jp.enclave.server.sessions.SessionService;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Wires the plain domain services over the JPA stores. The only place that knows both; resources
 * and pages inject the services.
 */
@ApplicationScoped
public class Producers {
  @Inject
  @ConfigProperty(name = "enclave.keys.dir")
  Optional<String> keysDir;
  @Inject
  @ConfigProperty(name = "enclave.session.token-minutes", defaultValue = "15")
  int tokenMinutes;

  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  @Produces
  @Singleton
  ServerPolicies policies() {
    return ServerPolicies.loadDefault();
  }

  @Produces
  @Singleton
  GatewayTokens tokens() {
    Duration ttl = Duration.ofMinutes(tokenMinutes);
    return keysDir.map(d -> GatewayTokens.persistent(Path.of(d, "session-signing.json"), ttl))
        .orElseGet(() -> GatewayTokens.ephemeral(ttl));
  }

  @Produces
  @Singleton
  Access access(ServerPolicies policies, JpaRegistryStore registry, JpaAuditTrail audit, Clock clock) {
    return new Access(policies, registry, audit, clock);
  }

  @Produces
  @Singleton
  RegistryService registry(JpaRegistryStore store, Access access, JpaAuditTrail audit, Clock clock) {
    return new RegistryService(store, access, audit, clock);
  }

  @Produces
  @Singleton
  SessionService sessions(JpaSessionStore store, JpaRegistryStore registry, Access access, JpaAuditTrail audit,
      GatewayTokens tokens, jp.enclave.server.gateways.GatewayManager gateways, Clock clock,
      jp.enclave.server.onsite.OnsiteService onsite, jp.enclave.server.closure.JpaClosureStore closures) {
    return new SessionService(store, registry, access, audit, tokens, gateways, clock, onsite, ends(closures));
  }

  private static SessionService.ProjectEnds ends(jp.enclave.server.closure.JpaClosureStore closures) {
    return closures.ends();
  }

  @Produces
  @Singleton
  AuditReader auditReader(JpaAuditTrail audit, Access access) {
    return new AuditReader(audit, access);
  }

  // Onsite desk, zone trails and security review (issue 12).
  @Inject
  @ConfigProperty(name = "enclave.home")
  Optional<String> home;
  @Inject
  @ConfigProperty(name = "enclave.audit.zone-trails", defaultValue = jp.enclave.server.audit.ZoneTrails.DEFAULT)
  String zoneTrails;
  @Inject
  @ConfigProperty(name = "enclave.alerts.refused-queries-per-hour", defaultValue = "10")
  long refusedPerHour;
  @Inject
  @ConfigProperty(name = "enclave.alerts.failed-logins-per-hour", defaultValue = "5")
  long failedLoginsPerHour;
  @Inject
  @ConfigProperty(name = "enclave.alerts.revocations-per-day", defaultValue = "5")
  long revocationsPerDay;
  @Inject
  @ConfigProperty(name = "enclave.alerts.gateway-auth-failures-per-hour", defaultValue = "20")
  long gatewayAuthFailuresPerHour;
  @Inject
  @ConfigProperty(name = "enclave.oidc.issuer")
  String issuer;
  @Inject
  @ConfigProperty(name = "enclave.security.events-client-id", defaultValue = "enclave-security-events")
  String eventsClientId;
  @Inject
  @ConfigProperty(name = "enclave.security.events-client-secret", defaultValue = "enclave-security-events-dev-secret")
  String eventsClientSecret;
  @Inject
  org.eclipse.microprofile.metrics.MetricRegistry metricRegistry;

  @Produces
  @Singleton
  jp.enclave.server.onsite.OnsiteService onsite(jp.enclave.server.onsite.JpaOnsiteStore store,
      JpaRegistryStore registry, Access access, ServerPolicies policies, JpaAuditTrail audit, Clock clock,
      jp.enclave.server.onsite.RequestPresence presence, jakarta.enterprise.inject.Instance<SessionService> sessions) {
    // Looked up at check-out: the session service itself asks this one whether a terminal admits a caller.
    return new jp.enclave.server.onsite.OnsiteService(store, registry, access, policies, audit, clock, presence::get,
        (by, subject, project, reason, terminal) -> sessions.get().endOnsite(by, subject, project, reason, terminal));
  }

  /** The enclave home: configured, or the folder above the server's keys (the launcher's layout). */
  @Produces
  @Singleton
  jp.enclave.server.audit.ZoneTrails zoneTrails() {
    Path h = home.map(Path::of).orElseGet(() -> keysDir.map(d -> Path.of(d).toAbsolutePath().getParent().getParent())
        .orElse(Path.of("target/enclave-home")));
    return new jp.enclave.server.audit.ZoneTrails(h, zoneTrails);
  }

  @Produces
  @Singleton
  jp.enclave.server.airlock.AirlockService airlock(jp.enclave.server.airlock.JpaAirlockStore store,
      JpaRegistryStore registry, Access access, JpaAuditTrail audit, Clock clock,
      jp.enclave.server.closure.JpaClosureStore closures) {
    return new jp.enclave.server.airlock.AirlockService(store, registry, access, audit, clock, ends(closures));
  }

  @Produces
  @Singleton
  jp.enclave.server.audit.ZoneAudit zoneAudit(JpaAuditTrail audit, jp.enclave.server.audit.ZoneTrails trails,
      jp.enclave.server.audit.JpaWitnessStore witnesses, Access access, ServerPolicies policies, Clock clock) {
    return new jp.enclave.server.audit.ZoneAudit(audit, trails, witnesses, access, policies, clock);
  }

  @Produces
  @Singleton
  jp.enclave.server.security.SecurityService security(jp.enclave.server.audit.ZoneAudit zones,
      jp.enclave.server.security.JpaAlertStore alerts, Access access, ServerPolicies policies, JpaAuditTrail audit,
      Clock clock) {
    java.util.concurrent.atomic.AtomicLong open = new java.util.concurrent.atomic.AtomicLong();
    metricRegistry.gauge("enclave_security_alerts_open", open::get);
    jp.enclave.server.security.SecurityService.Metrics m = new jp.enclave.server.security.SecurityService.Metrics() {
      @Override
      public void raised(String rule) {
        metricRegistry.counter("enclave_security_alerts_raised_total",
            new org.eclipse.microprofile.metrics.Tag("rule", rule)).inc();
      }

      @Override
      public void open(long count) {
        open.set(count);
      }
    };
    return new jp.enclave.server.security.SecurityService(zones,
        new jp.enclave.server.security.KeycloakLoginFailures(issuer, eventsClientId, eventsClientSecret), alerts,
        jp.enclave.server.security.Thresholds.of(refusedPerHour, failedLoginsPerHour, revocationsPerDay,
            gatewayAuthFailuresPerHour), access,
        policies, audit, clock, m);
  }

  @Produces
  @Singleton
  jp.enclave.server.reidentification.ReidService reidentification(
      jp.enclave.server.reidentification.JpaReidStore store, jp.enclave.server.airlock.JpaAirlockStore airlock,
      JpaRegistryStore registry, Access access, JpaAuditTrail audit, Clock clock,
      jp.enclave.server.closure.JpaClosureStore closures) {
    return new jp.enclave.server.reidentification.ReidService(store, airlock, registry, access, audit, clock,
        ends(closures));
  }

  @Produces
  @Singleton
  jp.enclave.server.closure.ClosureService closures(jp.enclave.server.closure.JpaClosureStore store,
      JpaRegistryStore registry, Access access, JpaAuditTrail audit, SessionService sessions, Clock clock) {
    return new jp.enclave.server.closure.ClosureService(store, registry, access, audit, sessions::endAll, clock);
  }
}
