package jp.enclave.server.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import jp.enclave.server.access.Access;
import jp.enclave.server.audit.JpaAuditTrail;
import jp.enclave.server.inventory.InventoryService;
import jp.enclave.server.inventory.JpaInventoryStore;
import jp.enclave.server.provisioning.HolderPipeline;
import jp.enclave.server.provisioning.JpaJobStore;
import jp.enclave.server.provisioning.ProvisioningService;
import jp.enclave.server.publication.PublicRegister;
import jp.enclave.server.publication.ReleaseRecords;
import jp.enclave.server.registry.JpaRegistryStore;
import jp.enclave.server.registry.RegistryService;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Wires the data side (provisioning jobs, inventory, public register) over its JPA stores, and
 * the holder's pipeline from configuration: the pseudonymizer jar and the zone homes the
 * launcher gives ({@code <home>/holder}, {@code <home>/gateway} by default).
 */
@ApplicationScoped
public class DataProducers {
  @Inject
  @ConfigProperty(name = "enclave.pseudonymizer.jar")
  Optional<String> pseudonymizerJar;
  @Inject
  @ConfigProperty(name = "enclave.holder.home")
  Optional<String> holderHome;
  @Inject
  @ConfigProperty(name = "enclave.gateways.home")
  Optional<String> gatewayHome;
  @Inject
  @ConfigProperty(name = "enclave.holder.java-options", defaultValue = "-Xmx1g")
  String javaOptions;

  @Produces
  @Singleton
  HolderPipeline holderPipeline() {
    return new HolderPipeline(pseudonymizerJar.map(Path::of).orElse(null), holderHome.map(Path::of).orElse(null),
        gatewayHome.map(Path::of).orElse(null), Arrays.stream(javaOptions.trim().split("\\s+"))
            .filter(s -> !s.isEmpty()).toList());
  }

  @Produces
  @Singleton
  ProvisioningService provisioning(JpaJobStore jobs, JpaRegistryStore registry, Access access, JpaAuditTrail audit,
      Clock clock, jp.enclave.server.closure.JpaClosureStore closures) {
    return new ProvisioningService(jobs, registry, access, audit, clock, closures.ends());
  }

  @Produces
  @Singleton
  InventoryService inventory(JpaInventoryStore store, Access access, JpaAuditTrail audit, Clock clock) {
    return new InventoryService(store, access, audit, clock);
  }

  @Produces
  @Singleton
  PublicRegister publicRegister(RegistryService registry, ReleaseRecords releases) {
    return new PublicRegister(registry, releases);
  }
}
