package jp.enclave.server.airlock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import jp.enclave.server.access.Refusals;
import jp.enclave.server.airlock.AirlockRows.ItemRow;
import jp.enclave.server.airlock.AirlockRows.ReleaseFileRow;
import jp.enclave.server.airlock.AirlockRows.ReleaseRow;
import jp.enclave.server.airlock.AirlockRows.ReleaseTableRow;
import jp.enclave.server.airlock.AirlockRows.ReportRow;
import jp.enclave.server.airlock.AirlockRows.RequestRow;
import jp.enclave.server.airlock.AirlockRows.VoteRow;
import jp.enclave.server.holderjobs.HolderJobRows;
import jp.enclave.server.platform.JsonLists;

/** The airlock over JPA, in the caller's transaction. Items are written when added or checked, votes only appended. */
@ApplicationScoped
public class JpaAirlockStore implements AirlockStore {
  @PersistenceContext(unitName = "enclave")
  EntityManager em;
  @Inject
  HolderJobRows jobs;

  @Override
  public Optional<ExportRequest> find(String id) {
    return Optional.ofNullable(em.find(RequestRow.class, id)).map(this::toDomain);
  }

  @Override
  public List<ExportRequest> ofAuthor(String subject) {
    return em.createQuery("from ExportRequestRow where author = :a order by createdAt desc", RequestRow.class)
        .setParameter("a", subject).setMaxResults(200).getResultList().stream().map(this::toDomain).toList();
  }

  @Override
  public List<ExportRequest> inStates(Collection<ExportState> states) {
    return em.createQuery("from ExportRequestRow where state in :s order by updatedAt desc", RequestRow.class)
        .setParameter("s", states.stream().map(Enum::name).toList()).setMaxResults(200).getResultList().stream()
        .map(this::toDomain).toList();
  }

  @Override
  public void insert(ExportRequest r) {
    RequestRow row = new RequestRow();
    row.id = r.id();
    row.projectId = r.projectId();
    row.author = r.author();
    row.title = r.title();
    row.createdAt = r.createdAt();
    set(row, r);
    em.persist(row);
    em.flush();
  }

  @Override
  public void update(ExportRequest r) {
    RequestRow row = em.find(RequestRow.class, r.id());
    if (row.version != r.version()) {
      throw Refusals.stale("export", r.id(), r.version(), row.version);
    }
    set(row, r);
    Map<String, ItemRow> existing = items(r.id()).stream().collect(Collectors.toMap(i -> i.itemId, Function.identity()));
    Set<String> keep = new HashSet<>();
    int position = 0;
    for (ExportItem i : r.items()) {
      keep.add(i.id());
      ItemRow ir = existing.get(i.id());
      if (ir == null) {
        ir = new ItemRow();
        ir.id = r.id() + "/" + i.id();
        ir.requestId = r.id();
        ir.itemId = i.id();
        ir.type = i.type().wire();
        ir.name = i.name();
        ir.content = i.content();
        ir.tableKind = i.tableKind();
        ir.tableName = i.tableName();
        ir.tableContent = i.table();
        ir.queryIds = json(i.queryIds());
        em.persist(ir);
      }
      ir.position = position++;
      ir.verdict = i.verdict() == null ? null : i.verdict().name();
      ir.safeContent = i.safeContent();
    }
    existing.values().stream().filter(ir -> !keep.contains(ir.itemId)).forEach(em::remove);
    Set<String> voted = votes(r.id()).stream().map(v -> v.reviewer).collect(Collectors.toSet());
    for (Vote v : r.votes()) {
      if (!voted.contains(v.reviewer())) {
        VoteRow vr = new VoteRow();
        vr.id = r.id() + "/" + v.reviewer();
        vr.requestId = r.id();
        vr.reviewer = v.reviewer();
        vr.approve = v.approve();
        vr.comment = v.comment();
        vr.safeItems = json(List.copyOf(new java.util.TreeSet<>(v.safeItems())));
        vr.votedAt = v.at();
        em.persist(vr);
      }
    }
    em.flush();
  }

  @Override
  public void enqueueCheck(String requestId, Instant at) {
    jobs.enqueue(CheckJobs.QUEUE, requestId, at);
  }

  @Override
  public void saveReport(String requestId, String html, String htmlJa, String resultsJson) {
    ReportRow r = em.find(ReportRow.class, requestId);
    boolean fresh = r == null;
    if (fresh) {
      r = new ReportRow();
      r.requestId = requestId;
    }
    // set before persist: the insert carries the state persist saw
    r.html = html == null ? "" : html;
    r.htmlJa = htmlJa;
    r.resultsJson = resultsJson == null ? "{}" : resultsJson;
    if (fresh) {
      em.persist(r);
    }
    em.flush();
  }

  @Override
  public Optional<String> reportHtml(String requestId, String language) {
    return Optional.ofNullable(em.find(ReportRow.class, requestId))
        .map(r -> "ja".equals(language) && r.htmlJa != null ? r.htmlJa : r.html);
  }

  @Override
  public Optional<String> resultsJson(String requestId) {
    return Optional.ofNullable(em.find(ReportRow.class, requestId)).map(r -> r.resultsJson);
  }

  @Override
  public void insertRelease(Release r, byte[] packageZip, List<ReleasedTable> tables) {
    ReleaseRow row = new ReleaseRow();
    row.id = r.id();
    row.requestId = r.requestId();
    row.projectId = r.projectId();
    row.author = r.author();
    row.packageSha256 = r.packageSha256();
    row.packageBytes = r.packageBytes();
    row.packageZip = packageZip;
    row.releasedAt = r.at();
    em.persist(row);
    int position = 0;
    for (Release.File f : r.files()) {
      ReleaseFileRow fr = new ReleaseFileRow();
      fr.id = r.id() + "/" + f.name();
      fr.releaseId = r.id();
      fr.position = position++;
      fr.name = f.name();
      fr.itemId = f.itemId();
      fr.sha256 = f.sha256();
      fr.bytes = f.bytes();
      fr.table = f.table();
      fr.safeVersion = f.safeVersion();
      em.persist(fr);
    }
    for (ReleasedTable t : tables) {
      ReleaseTableRow tr = new ReleaseTableRow();
      tr.id = r.id() + "/" + t.name();
      tr.releaseId = r.id();
      tr.projectId = t.projectId();
      tr.name = t.name();
      tr.content = t.content();
      em.persist(tr);
    }
    em.flush();
  }

  @Override
  public Optional<Release> releaseOf(String requestId) {
    return em.createQuery("from ProjectReleaseRow where requestId = :r", ReleaseRow.class).setParameter("r", requestId)
        .getResultStream().findFirst().map(this::toDomain);
  }

  @Override
  public Optional<byte[]> releasePackage(String releaseId) {
    return Optional.ofNullable(em.find(ReleaseRow.class, releaseId)).map(r -> r.packageZip);
  }

  @Override
  public List<ReleasedTable> releasedTables(String projectId) {
    return em.createQuery("select t from ReleaseTableRow t, ProjectReleaseRow r where t.releaseId = r.id and t.projectId = :p "
            + "order by r.releasedAt, t.name", ReleaseTableRow.class)
        .setParameter("p", projectId).getResultList().stream()
        .map(t -> new ReleasedTable(t.releaseId, t.projectId, t.name, t.content)).toList();
  }

  private Release toDomain(ReleaseRow r) {
    List<Release.File> files = em.createQuery("from ReleaseFileRow where releaseId = :r order by position",
            ReleaseFileRow.class).setParameter("r", r.id).getResultList().stream()
        .map(f -> new Release.File(f.name, f.itemId, f.sha256, f.bytes, f.table, f.safeVersion)).toList();
    return new Release(r.id, r.requestId, r.projectId, r.author, r.packageSha256, r.packageBytes, files, r.releasedAt);
  }

  private List<ItemRow> items(String requestId) {
    return em.createQuery("from ExportItemRow where requestId = :r order by position", ItemRow.class)
        .setParameter("r", requestId).getResultList();
  }

  private List<VoteRow> votes(String requestId) {
    return em.createQuery("from ExportVoteRow where requestId = :r order by votedAt, reviewer", VoteRow.class)
        .setParameter("r", requestId).getResultList();
  }

  private ExportRequest toDomain(RequestRow r) {
    List<ExportItem> items = items(r.id).stream().map(i -> new ExportItem(i.itemId, ItemType.parse(i.type), i.name,
        i.content, i.tableKind, i.tableName, i.tableContent, list(i.queryIds),
        i.verdict == null ? null : Verdict.valueOf(i.verdict), i.safeContent)).toList();
    List<Vote> votes = votes(r.id).stream().map(v -> new Vote(v.reviewer, v.approve, v.comment,
        new LinkedHashSet<>(list(v.safeItems)), v.votedAt)).toList();
    return new ExportRequest(r.id, r.projectId, r.author, r.title, ExportState.valueOf(r.state), items, votes,
        new CheckProgress(r.checkStage, r.checkAttempts, r.checkError, r.checkStartedAt, r.checkFinishedAt),
        r.createdAt, r.updatedAt, r.version);
  }

  private static void set(RequestRow row, ExportRequest r) {
    row.state = r.state().name();
    row.checkStage = r.check().stage();
    row.checkAttempts = r.check().attempts();
    row.checkError = r.check().error();
    row.checkStartedAt = r.check().startedAt();
    row.checkFinishedAt = r.check().finishedAt();
    row.updatedAt = r.updatedAt();
  }

  private static String json(List<String> l) {
    return JsonLists.write(l);
  }

  private static List<String> list(String json) {
    return JsonLists.read(json, "the airlock's tables");
  }
}
