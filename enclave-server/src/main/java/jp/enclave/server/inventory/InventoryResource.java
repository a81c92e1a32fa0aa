package jp.enclave.server.inventory;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.access.Refusals;
import jp.enclave.server.api.CurrentCaller;
import jp.enclave.server.api.Idempotency;

/**
 * The data inventory ({@code GET /api/inventory}, stewards and auditors), the data dictionary
 * ({@code GET /api/inventory/dictionary}, every role) and the import of a holder zone's report
 * ({@code POST /api/inventory}, stewards; the body is {@code pseudonymizer inventory --json}).
 */
@Path("inventory")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Transactional(dontRollbackOn = Refusal.class)
public class InventoryResource {
  @Inject
  InventoryService inventory;
  @Inject
  CurrentCaller caller;
  @Inject
  Idempotency idempotency;

  @GET
  public InventoryReport latest() {
    return inventory.inventory(caller.get()).orElseThrow(() -> Refusals.notFound("inventory", "latest"));
  }

  @GET
  @Path("dictionary")
  public InventoryReport.Dictionary dictionary() {
    return inventory.dictionary(caller.get());
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response importReport(@HeaderParam(Idempotency.HEADER) String key, String report) {
    return idempotency.once(caller.get(), key, "POST inventory", report, 201, () -> {
      InventoryService.Imported i = inventory.importReport(caller.get(), report);
      return java.util.Map.of("id", i.report().id(), "changed", i.changed(), "assets", i.report().assets().size());
    });
  }
}
