package jp.enclave.server.provisioning;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;
import jp.enclave.server.inventory.InventoryService;

/**
 * The runner's steps, each its own transaction (the runner's thread has none): a step and its
 * audit row commit together before the pipeline moves on, so a server killed at any point leaves
 * each job either before or after a step, never half-way.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRES_NEW)
public class JobTransactions {
  @Inject
  ProvisioningService provisioning;
  @Inject
  InventoryService inventory;

  public List<ProvisioningJob> recover() {
    return provisioning.recover();
  }

  public Optional<ProvisioningService.Claimed> claim() {
    return provisioning.claim();
  }

  public void progress(String id, String phase, int percent, String detail) {
    provisioning.progress(id, phase, percent, detail);
  }

  public ProvisioningJob succeed(String id, String result) {
    return provisioning.succeed(id, result);
  }

  public ProvisioningJob fail(String id, String reason) {
    return provisioning.fail(id, reason);
  }

  public InventoryService.Imported importInventory(String json) {
    return inventory.importFromHolder(json);
  }
}
