package jp.enclave.server.portal;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;
import java.util.List;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.inventory.InventoryReport;
import jp.enclave.server.inventory.InventoryService;

/** The data dictionary for researchers: tables, columns, types, sensitivity labels and code systems. */
@Named
@RequestScoped
@Transactional(dontRollbackOn = Refusal.class)
public class DictionaryPage {
  @Inject
  InventoryService inventory;
  @Inject
  PortalUser user;

  private InventoryReport.Dictionary dictionary;

  public InventoryReport.Dictionary getDictionary() {
    if (dictionary == null) {
      dictionary = RegistryPage.read(() -> List.of(inventory.dictionary(user.caller()))).stream().findFirst()
          .orElse(InventoryReport.Dictionary.EMPTY);
    }
    return dictionary;
  }

  /** A code system's name in the page's language, or its id if the report does not name it. */
  public String codeSystem(String id, String language) {
    if (id == null) {
      return "";
    }
    return getDictionary().codeSystems().stream().filter(c -> c.id().equals(id)).findFirst()
        .map(c -> c.name().in(language)).orElse(id);
  }
}
