package jp.enclave.server.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;

@ApplicationScoped
public class JpaWitnessStore implements WitnessStore {
  @PersistenceContext(unitName = "enclave")
  EntityManager em;

  @Override
  public List<WitnessedHead> heads(String zone) {
    return em.createQuery("from WitnessRow where zone = :z order by entries, id", WitnessRow.class)
        .setParameter("z", zone).getResultList().stream().map(WitnessRow::toDomain).toList();
  }

  @Override
  public List<String> zones() {
    return em.createQuery("select distinct w.zone from WitnessRow w order by w.zone", String.class).getResultList();
  }

  @Override
  public void insert(WitnessedHead h) {
    WitnessRow r = new WitnessRow();
    r.zone = h.zone();
    r.path = h.path();
    r.entries = h.entries();
    r.headHash = h.headHash();
    r.fileBytes = h.fileBytes();
    r.witnessedAt = h.witnessedAt();
    r.witnessedBy = h.witnessedBy();
    em.persist(r);
    em.flush();
  }
}
