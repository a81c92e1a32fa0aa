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
  @Inject
  @ConfigProperty(name = "enclave.gateway.address", defaultValue = "127.0.0.1:47470")
  String gatewayAddress;

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
      GatewayTokens tokens, Clock clock) {
    return new SessionService(store, registry, access, audit, tokens, gatewayAddress, clock);
  }

  @Produces
  @Singleton
  AuditReader auditReader(JpaAuditTrail audit, Access access) {
    return new AuditReader(audit, access);
  }

  @Produces
  @Singleton
  jp.enclave.server.airlock.AirlockService airlock(jp.enclave.server.airlock.JpaAirlockStore store,
      JpaRegistryStore registry, Access access, JpaAuditTrail audit, Clock clock) {
    return new jp.enclave.server.airlock.AirlockService(store, registry, access, audit, clock);
  }

  @Produces
  @Singleton
  jp.enclave.server.reidentification.ReidService reidentification(
      jp.enclave.server.reidentification.JpaReidStore store, jp.enclave.server.airlock.JpaAirlockStore airlock,
      JpaRegistryStore registry, Access access, JpaAuditTrail audit, Clock clock) {
    return new jp.enclave.server.reidentification.ReidService(store, airlock, registry, access, audit, clock);
  }
}
