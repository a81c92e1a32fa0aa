package jp.enclave.server.onsite;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import jp.enclave.server.access.Refusals;

@ApplicationScoped
public class JpaOnsiteStore implements OnsiteStore {
  @PersistenceContext(unitName = "enclave")
  EntityManager em;

  @Override
  public Optional<Terminal> terminal(String id) {
    return Optional.ofNullable(em.find(TerminalRow.class, id)).map(TerminalRow::toDomain);
  }

  @Override
  public List<Terminal> terminals() {
    return em.createQuery("from TerminalRow order by id", TerminalRow.class).getResultList().stream()
        .map(TerminalRow::toDomain).toList();
  }

  @Override
  public void insert(Terminal t) {
    TerminalRow r = new TerminalRow();
    r.set(t);
    em.persist(r);
    em.flush();
  }

  @Override
  public void update(Terminal t) {
    TerminalRow r = em.find(TerminalRow.class, t.id());
    if (r.version != t.version()) {
      throw Refusals.stale("terminal", t.id(), t.version(), r.version);
    }
    r.set(t);
    em.flush();
  }

  @Override
  public Optional<Visit> visit(String id) {
    return Optional.ofNullable(em.find(VisitRow.class, id)).map(VisitRow::toDomain);
  }

  @Override
  public List<Visit> visitsOf(String subject) {
    return em.createQuery("from VisitRow where subject = :s order by day desc, bookedAt desc", VisitRow.class)
        .setParameter("s", subject).setMaxResults(200).getResultList().stream().map(VisitRow::toDomain).toList();
  }

  @Override
  public List<Visit> visitsOn(LocalDate day) {
    return em.createQuery("from VisitRow where day = :d order by centerId, bookedAt", VisitRow.class)
        .setParameter("d", day).getResultList().stream().map(VisitRow::toDomain).toList();
  }

  @Override
  public List<Visit> checkedInAt(String terminalId) {
    return em.createQuery("from VisitRow where state = :s and terminalId = :t order by bookedAt", VisitRow.class)
        .setParameter("s", Visit.VisitState.CHECKED_IN.name()).setParameter("t", terminalId)
        .getResultList().stream().map(VisitRow::toDomain).toList();
  }

  @Override
  public void insert(Visit v) {
    VisitRow r = new VisitRow();
    r.set(v);
    em.persist(r);
    em.flush();
  }

  @Override
  public void update(Visit v) {
    VisitRow r = em.find(VisitRow.class, v.id());
    if (r.version != v.version()) {
      throw Refusals.stale("visit", v.id(), v.version(), r.version);
    }
    r.set(v);
    em.flush();
  }
}
