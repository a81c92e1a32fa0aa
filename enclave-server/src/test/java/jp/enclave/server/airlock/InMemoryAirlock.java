package jp.enclave.server.airlock;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jp.enclave.server.access.Refusals;

/** The airlock's store in memory, with the JPA store's version rule (a stale update is refused). */
public final class InMemoryAirlock implements AirlockStore {
  final Map<String, ExportRequest> rows = new LinkedHashMap<>();
  final List<String> jobs = new ArrayList<>();
  final Map<String, String[]> reports = new LinkedHashMap<>();
  final Map<String, Release> releases = new LinkedHashMap<>();
  final Map<String, byte[]> packages = new LinkedHashMap<>();
  final List<ReleasedTable> tables = new ArrayList<>();

  @Override public Optional<ExportRequest> find(String id) { return Optional.ofNullable(rows.get(id)); }
  @Override public List<ExportRequest> ofAuthor(String s) { return rows.values().stream().filter(r -> r.author().equals(s)).toList(); }
  @Override public List<ExportRequest> inStates(Collection<ExportState> st) { return rows.values().stream().filter(r -> st.contains(r.state())).toList(); }
  @Override public void insert(ExportRequest r) { rows.put(r.id(), r); }

  @Override
  public void update(ExportRequest r) {
    ExportRequest cur = rows.get(r.id());
    if (cur.version() != r.version()) {
      throw Refusals.stale("export", r.id(), r.version(), cur.version());
    }
    rows.put(r.id(), new ExportRequest(r.id(), r.projectId(), r.author(), r.title(), r.state(), r.items(), r.votes(),
        r.check(), r.createdAt(), r.updatedAt(), r.version() + 1));
  }

  @Override public void enqueueCheck(String id, Instant at) { jobs.add(id); }
  @Override public void saveReport(String id, String html, String ja, String json) { reports.put(id, new String[] {html, json, ja}); }
  @Override public Optional<String> reportHtml(String id, String lang) {
    return Optional.ofNullable(reports.get(id)).map(a -> "ja".equals(lang) && a[2] != null ? a[2] : a[0]);
  }
  @Override public Optional<String> resultsJson(String id) { return Optional.ofNullable(reports.get(id)).map(a -> a[1]); }

  @Override
  public void insertRelease(Release r, byte[] zip, List<ReleasedTable> t) {
    releases.put(r.requestId(), r);
    packages.put(r.id(), zip);
    tables.addAll(t);
  }

  @Override public Optional<Release> releaseOf(String id) { return Optional.ofNullable(releases.get(id)); }
  @Override public Optional<byte[]> releasePackage(String id) { return Optional.ofNullable(packages.get(id)); }
  @Override public List<ReleasedTable> releasedTables(String p) { return tables.stream().filter(t -> t.projectId().equals(p)).toList(); }
}
