package jp.enclave.server.sessions;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;
import jp.enclave.server.access.Refusals;

@ApplicationScoped
public class JpaSessionStore implements SessionStore {
  @PersistenceContext(unitName = "enclave")
  EntityManager em;

  @Override
  public Optional<Session> find(String id) {
    return Optional.ofNullable(em.find(SessionRow.class, id)).map(SessionRow::toDomain);
  }

  @Override
  public List<Session> ofSubject(String subject) {
    return em.createQuery("from SessionRow where subject = :s order by bookedAt desc", SessionRow.class)
        .setParameter("s", subject).getResultList().stream().map(SessionRow::toDomain).toList();
  }

  @Override
  public List<Session> all() {
    return em.createQuery("from SessionRow order by bookedAt desc", SessionRow.class).setMaxResults(500)
        .getResultList().stream().map(SessionRow::toDomain).toList();
  }

  @Override
  public List<Session> active() {
    return em.createQuery("from SessionRow where state in ('BOOKED', 'OPEN') order by bookedAt", SessionRow.class)
        .getResultList().stream().map(SessionRow::toDomain).toList();
  }

  @Override
  public void insert(Session s) {
    SessionRow r = new SessionRow();
    r.set(s);
    em.persist(r);
    em.flush();
  }

  @Override
  public void update(Session s) {
    SessionRow r = em.find(SessionRow.class, s.id());
    if (r.version != s.version()) {
      throw Refusals.stale("session", s.id(), s.version(), r.version);
    }
    r.set(s);
    em.flush();
  }
}
