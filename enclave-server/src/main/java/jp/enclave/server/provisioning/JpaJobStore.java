package jp.enclave.server.provisioning;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;
import jp.enclave.server.access.Refusals;

@ApplicationScoped
public class JpaJobStore implements JobStore {
  @PersistenceContext(unitName = "enclave")
  EntityManager em;

  @Override
  public Optional<ProvisioningJob> find(String id) {
    return Optional.ofNullable(em.find(JobRow.class, id)).map(JobRow::toDomain);
  }

  @Override
  public Optional<ProvisioningJob> once(String projectId, String scopeSha256) {
    return em.createQuery("from JobRow where projectId = :p and scopeSha256 = :h and state <> 'FAILED'", JobRow.class)
        .setParameter("p", projectId).setParameter("h", scopeSha256).getResultStream().findFirst()
        .map(JobRow::toDomain);
  }

  @Override
  public List<ProvisioningJob> all() {
    return em.createQuery("from JobRow order by requestedAt desc", JobRow.class).setMaxResults(500).getResultList()
        .stream().map(JobRow::toDomain).toList();
  }

  @Override
  public List<ProvisioningJob> inState(JobState state) {
    return em.createQuery("from JobRow where state = :s order by requestedAt", JobRow.class)
        .setParameter("s", state.name()).getResultList().stream().map(JobRow::toDomain).toList();
  }

  @Override
  public Optional<ProvisioningJob> claimNext() {
    @SuppressWarnings("unchecked")
    List<JobRow> rows = em.createNativeQuery("select * from provisioning_job where state = 'QUEUED' "
        + "order by requested_at limit 1 for update skip locked", JobRow.class).getResultList();
    return rows.stream().findFirst().map(JobRow::toDomain);
  }

  @Override
  public void insert(ProvisioningJob j) {
    JobRow r = new JobRow();
    r.set(j);
    em.persist(r);
    em.flush();
  }

  @Override
  public void update(ProvisioningJob j) {
    JobRow r = em.find(JobRow.class, j.id());
    if (r.version != j.version()) {
      throw Refusals.stale("provisioning job", j.id(), j.version(), r.version);
    }
    r.set(j);
    em.flush();
  }
}
