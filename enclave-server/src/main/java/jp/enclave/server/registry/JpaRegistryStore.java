package jp.enclave.server.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;
import jp.enclave.server.access.Refusals;

/** The registry in PostgreSQL; joins the caller's JTA transaction. Versions are checked before the change. */
@ApplicationScoped
public class JpaRegistryStore implements RegistryStore {
  @PersistenceContext(unitName = "enclave")
  EntityManager em;

  @Override
  public Optional<Organisation> organisation(String id) {
    return Optional.ofNullable(em.find(OrganisationRow.class, id)).map(OrganisationRow::toDomain);
  }

  @Override
  public List<Organisation> organisations() {
    return em.createQuery("from OrganisationRow order by id", OrganisationRow.class).getResultList().stream()
        .map(OrganisationRow::toDomain).toList();
  }

  @Override
  public void insert(Organisation o) {
    OrganisationRow r = new OrganisationRow();
    r.set(o);
    em.persist(r);
    em.flush();
  }

  @Override
  public void update(Organisation o) {
    OrganisationRow r = em.find(OrganisationRow.class, o.id());
    if (r.version != o.version()) {
      throw Refusals.stale("organisation", o.id(), o.version(), r.version);
    }
    r.set(o);
    em.flush();
  }

  @Override
  public Optional<Person> person(String subject) {
    return Optional.ofNullable(em.find(PersonRow.class, subject)).map(PersonRow::toDomain);
  }

  @Override
  public List<Person> persons() {
    return em.createQuery("from PersonRow order by subject", PersonRow.class).getResultList().stream()
        .map(PersonRow::toDomain).toList();
  }

  @Override
  public void insert(Person p) {
    PersonRow r = new PersonRow();
    r.set(p);
    em.persist(r);
    em.flush();
  }

  @Override
  public void update(Person p) {
    PersonRow r = em.find(PersonRow.class, p.subject());
    if (r.version != p.version()) {
      throw Refusals.stale("user", p.subject(), p.version(), r.version);
    }
    r.set(p);
    // A collection change alone does not touch the row; force the version so concurrent edits collide.
    em.lock(r, jakarta.persistence.LockModeType.OPTIMISTIC_FORCE_INCREMENT);
    em.flush();
  }

  @Override
  public Optional<Project> project(String id) {
    return Optional.ofNullable(em.find(ProjectRow.class, id)).map(ProjectRow::toDomain);
  }

  @Override
  public List<Project> projects() {
    return em.createQuery("from ProjectRow order by id", ProjectRow.class).getResultList().stream()
        .map(ProjectRow::toDomain).toList();
  }

  @Override
  public void insert(Project p) {
    ProjectRow r = new ProjectRow();
    r.set(p);
    em.persist(r);
    em.flush();
  }

  @Override
  public void update(Project p) {
    ProjectRow r = em.find(ProjectRow.class, p.id());
    if (r.version != p.version()) {
      throw Refusals.stale("project", p.id(), p.version(), r.version);
    }
    r.set(p);
    em.lock(r, jakarta.persistence.LockModeType.OPTIMISTIC_FORCE_INCREMENT);
    em.flush();
  }
}
