package jp.enclave.server.closure;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;
import jp.enclave.server.access.Refusals;

@ApplicationScoped
public class JpaClosureStore implements ClosureStore {
  @PersistenceContext(unitName = "enclave")
  EntityManager em;

  /** The one answer every workflow asks before touching a project: has it ended or is it ending, and why. */
  public jp.enclave.server.sessions.SessionService.ProjectEnds ends() {
    return projectId -> find(projectId).map(c -> c.cause() + " by " + c.requestedBy());
  }

  @Override
  public Optional<Closure> find(String projectId) {
    return Optional.ofNullable(em.find(ClosureRow.class, projectId)).map(ClosureRow::toDomain);
  }

  @Override
  public List<Closure> all() {
    return em.createQuery("from ClosureRow order by requestedAt desc", ClosureRow.class).getResultList().stream()
        .map(ClosureRow::toDomain).toList();
  }

  @Override
  public void insert(Closure c) {
    ClosureRow r = new ClosureRow();
    r.set(c);
    em.persist(r);
    em.flush();
  }

  @Override
  public void update(Closure c) {
    ClosureRow r = em.find(ClosureRow.class, c.projectId());
    if (r.version != c.version()) {
      throw Refusals.stale("closure", c.projectId(), c.version(), r.version);
    }
    r.set(c);
    em.flush();
  }
}
