package jp.enclave.server.inventory;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.Optional;

@ApplicationScoped
public class JpaInventoryStore implements InventoryStore {
  @PersistenceContext(unitName = "enclave")
  EntityManager em;

  @Override
  public Optional<Stored> latest() {
    return em.createQuery("from InventoryRow order by id desc", InventoryRow.class).setMaxResults(1)
        .getResultStream().findFirst().map(InventoryRow::toDomain);
  }

  @Override
  public Stored insert(Instant at, String by, String sha256, String report) {
    InventoryRow r = new InventoryRow();
    r.importedAt = at;
    r.importedBy = by;
    r.sha256 = sha256;
    r.report = report;
    em.persist(r);
    em.flush();
    return r.toDomain();
  }
}
