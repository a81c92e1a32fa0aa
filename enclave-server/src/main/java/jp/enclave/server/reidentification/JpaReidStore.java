package jp.enclave.server.reidentification;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import jp.enclave.server.access.Refusals;
import jp.enclave.server.holderjobs.HolderJobRows;
import jp.enclave.server.platform.JsonLists;
import jp.enclave.server.reidentification.ReidRows.RequestRow;
import jp.enclave.server.reidentification.ReidRows.ResultRow;

@ApplicationScoped
public class JpaReidStore implements ReidStore {
  @PersistenceContext(unitName = "enclave")
  EntityManager em;
  @Inject
  HolderJobRows jobs;

  @Override
  public Optional<ReidRequest> find(String id) {
    return Optional.ofNullable(em.find(RequestRow.class, id)).map(JpaReidStore::toDomain);
  }

  @Override
  public List<ReidRequest> all() {
    return em.createQuery("from ReidRequestRow order by filedAt desc", RequestRow.class).setMaxResults(500)
        .getResultList().stream().map(JpaReidStore::toDomain).toList();
  }

  @Override
  public List<ReidRequest> ofInspector(String subject) {
    return em.createQuery("from ReidRequestRow where inspector = :i order by filedAt desc", RequestRow.class)
        .setParameter("i", subject).getResultList().stream().map(JpaReidStore::toDomain).toList();
  }

  @Override
  public void insert(ReidRequest r) {
    RequestRow row = new RequestRow();
    row.id = r.id();
    row.projectId = r.projectId();
    row.exportId = r.exportId();
    row.releaseId = r.releaseId();
    row.inspector = r.inspector();
    row.legalBasis = r.legalBasis();
    row.pseudonyms = json(r.pseudonyms());
    row.filedAt = r.filedAt();
    set(row, r);
    em.persist(row);
    em.flush();
  }

  @Override
  public void update(ReidRequest r) {
    RequestRow row = em.find(RequestRow.class, r.id());
    if (row.version != r.version()) {
      throw Refusals.stale("reidentification", r.id(), r.version(), row.version);
    }
    set(row, r);
    em.flush();
  }

  @Override
  public void enqueueRun(String requestId, Instant at) {
    jobs.enqueue(ReidJobs.QUEUE, requestId, at);
  }

  @Override
  public void saveResult(String requestId, String resultJson) {
    ResultRow r = em.find(ResultRow.class, requestId);
    boolean fresh = r == null;
    if (fresh) {
      r = new ResultRow();
      r.requestId = requestId;
    }
    r.resultJson = resultJson; // set before persist: the insert carries the state persist saw
    if (fresh) {
      em.persist(r);
    }
    em.flush();
  }

  @Override
  public Optional<String> result(String requestId) {
    return Optional.ofNullable(em.find(ResultRow.class, requestId)).map(r -> r.resultJson);
  }

  private static void set(RequestRow row, ReidRequest r) {
    row.state = r.state().name();
    row.approvers = json(r.approvers());
    row.error = r.error();
    row.updatedAt = r.updatedAt();
  }

  private static ReidRequest toDomain(RequestRow r) {
    return new ReidRequest(r.id, r.projectId, r.exportId, r.releaseId, r.inspector, r.legalBasis, list(r.pseudonyms),
        ReidState.valueOf(r.state), list(r.approvers), r.error, r.filedAt, r.updatedAt, r.version);
  }

  private static String json(List<String> l) {
    return JsonLists.write(l);
  }

  private static List<String> list(String json) {
    return JsonLists.read(json, "reid_request");
  }
}
