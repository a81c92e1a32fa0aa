package jp.enclave.server.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The server's hash chain in PostgreSQL, appended inside the caller's transaction: the change and
 * its audit row commit together or not at all. The head row's lock orders concurrent appends.
 */
@ApplicationScoped
public class JpaAuditTrail implements AuditTrail {
  @PersistenceContext(unitName = "enclave")
  EntityManager em;
  @Inject
  Clock clock;

  @Override
  public void record(String actor, String event, String target, Map<String, ?> detail) {
    AuditHeadRow head = em.find(AuditHeadRow.class, 1, LockModeType.PESSIMISTIC_WRITE);
    AuditEntry e = AuditChain.link(head.seq + 1, head.hash, clock.instant(), actor, event, target, detail);
    AuditRow r = new AuditRow();
    r.seq = e.seq();
    r.at = e.at();
    r.actor = e.actor();
    r.event = e.event();
    r.target = e.target();
    r.detail = e.detail();
    r.prevHash = e.prevHash();
    r.hash = e.hash();
    em.persist(r);
    head.seq = e.seq();
    head.hash = e.hash();
    em.flush();
  }

  private volatile Long legacyThrough;

  @Override
  public long legacyThrough() {
    if (legacyThrough == null) {
      legacyThrough = ((Number) em.createNativeQuery("select legacy_through from audit_chain_rule where id = 1")
          .getSingleResult()).longValue();
    }
    return legacyThrough;
  }

  @Override
  public List<AuditEntry> entries() {
    return em.createQuery("from AuditRow order by seq", AuditRow.class).getResultList().stream()
        .map(AuditRow::toDomain).toList();
  }
}
