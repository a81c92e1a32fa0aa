package jp.enclave.server.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import jp.enclave.server.access.Refusals;

@ApplicationScoped
public class JpaAlertStore implements AlertStore {
  @PersistenceContext(unitName = "enclave")
  EntityManager em;

  @Override
  public Optional<Alert> find(String id) {
    return Optional.ofNullable(em.find(AlertRow.class, id)).map(AlertRow::toDomain);
  }

  @Override
  public boolean exists(String rule, String subject, Instant windowStart) {
    return em.createQuery("select count(a) from AlertRow a where a.rule = :r and a.subject = :s and a.windowStart = :w",
        Long.class).setParameter("r", rule).setParameter("s", subject).setParameter("w", windowStart)
        .getSingleResult() > 0;
  }

  @Override
  public List<Alert> recent(int limit) {
    return em.createQuery("from AlertRow order by raisedAt desc", AlertRow.class).setMaxResults(limit).getResultList()
        .stream().map(AlertRow::toDomain).toList();
  }

  @Override
  public long openCount() {
    return em.createQuery("select count(a) from AlertRow a where a.acknowledgedAt is null", Long.class).getSingleResult();
  }

  @Override
  public void insert(Alert a) {
    AlertRow r = new AlertRow();
    r.set(a);
    em.persist(r);
    em.flush();
  }

  @Override
  public void update(Alert a) {
    AlertRow r = em.find(AlertRow.class, a.id());
    if (r.version != a.version()) {
      throw Refusals.stale("alert", a.id(), a.version(), r.version);
    }
    r.set(a);
    em.flush();
  }
}
