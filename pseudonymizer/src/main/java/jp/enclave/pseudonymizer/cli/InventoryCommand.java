package jp.enclave.pseudonymizer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import jp.enclave.pseudonymizer.inventory.HolderInventory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "inventory", description = "Report the holder's data assets (source deliveries, store builds, "
    + "extracts current and past, with owner, legal basis, retention) and the data dictionary: metadata only.")
final class InventoryCommand implements Callable<Integer> {
  @Mixin HomeOption home;

  @Option(names = "--json", description = "One JSON document on standard output (what the enclave server imports).")
  boolean json;

  @Override
  @SuppressWarnings("unchecked")
  public Integer call() throws Exception {
    Map<String, Object> report = HolderInventory.report(home.get());
    if (json) {
      System.out.println(new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
      return 0;
    }
    for (Map<String, Object> a : (List<Map<String, Object>>) report.get("assets")) {
      System.out.printf("%-16s %-10s %-28s %s%n", a.get("kind"), a.get("status"), a.get("name"), a.get("at"));
    }
    return 0;
  }
}
