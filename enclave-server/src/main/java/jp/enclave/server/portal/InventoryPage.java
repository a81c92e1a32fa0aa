package jp.enclave.server.portal;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Map;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.inventory.InventoryReport;
import jp.enclave.server.inventory.InventoryService;
import jp.enclave.server.provisioning.HolderPipeline;

/** The data inventory (stewards, auditors): every asset the holder reported, with owner, legal basis, retention. */
@Named
@RequestScoped
@Transactional(dontRollbackOn = Refusal.class)
public class InventoryPage {
  @Inject
  InventoryService inventory;
  @Inject
  HolderPipeline holder;
  @Inject
  PortalUser user;

  private InventoryReport report;
  private boolean read;

  public String refresh() {
    RegistryPage.act(() -> {
      InventoryService.Imported i = inventory.refresh(user.caller(), holder::inventory);
      Feedback.done(i.changed() ? "done.inventoryImported" : "done.inventoryUnchanged", i.report().assets().size());
    });
    read = false;
    return null;
  }

  public InventoryReport getReport() {
    if (!read) {
      read = true;
      report = RegistryPage.read(() -> inventory.inventory(user.caller()).map(List::of).orElse(List.of()))
          .stream().findFirst().orElse(null);
    }
    return report;
  }

  public List<InventoryReport.Asset> getAssets() {
    return getReport() == null ? List.of() : getReport().assets();
  }

  /** The facts of an asset as "name value" pairs (counts, digests), for one table cell. */
  public String facts(InventoryReport.Asset a) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, Object> e : a.facts().entrySet()) {
      if (b.length() > 0) {
        b.append("; ");
      }
      b.append(e.getKey()).append(' ').append(e.getValue());
    }
    return b.toString();
  }
}
