package jp.enclave.server.closure;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.audit.TrailEntry;
import jp.enclave.server.audit.ZoneAudit;
import jp.enclave.server.closure.ClosureTransitions.Event;
import jp.enclave.server.gateways.GatewayManager;
import jp.enclave.server.registry.JpaRegistryStore;
import jp.enclave.server.registry.Project;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The closure job's steps for the holder-zone job runner, each its own transaction, as the
 * airlock's check job: a closure is claimed with a lease (ENDING to archive; ARCHIVED to shred,
 * moved to SHREDDING in the claim; SHREDDING again once the lease of a dead run lapsed), and each
 * outcome is recorded only by the worker that still holds it. Shredding waits until the project's
 * gateway has stopped, so no process holds the extract open when its key goes. Every step is
 * REQUIRES_NEW: the runner's timer callback may run in a container transaction, and a step that
 * joined it would commit only when the whole round ends (a kill mid-round would undo all of it).
 */
@ApplicationScoped
public class ClosureJobs {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .findAndRegisterModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  @PersistenceContext(unitName = "enclave")
  EntityManager em;
  @Inject
  ClosureService closures;
  @Inject
  JpaRegistryStore registry;
  @Inject
  ZoneAudit zones;
  @Inject
  GatewayManager gateways;
  @Inject
  Clock clock;

  public enum Step { ARCHIVE, SHRED }

  /** A claimed closure and the step to run. */
  public record Claim(String projectId, Step step, Closure closure) {}

  @Transactional(value = Transactional.TxType.REQUIRES_NEW, dontRollbackOn = Refusal.class)
  public Optional<Claim> claim(String worker, Duration lease) {
    Instant now = clock.instant();
    @SuppressWarnings("unchecked")
    List<String> ids = em.createNativeQuery("select project_id from project_closure where "
            + "(state in ('ENDING', 'ARCHIVED') and (claimed_at is null or claimed_at < ?1)) "
            + "or (state = 'SHREDDING' and claimed_at < ?1) order by requested_at limit 10 for update skip locked")
        .setParameter(1, now.minus(lease)).getResultList();
    for (String id : ids) {
      ClosureRow row = em.find(ClosureRow.class, id);
      ClosureState state = ClosureState.valueOf(row.state);
      if (state != ClosureState.ENDING && gateways.running(id)) {
        continue; // the gateway still holds the extract open: shred once it has stopped
      }
      row.claimedBy = worker;
      row.claimedAt = now;
      Closure c = switch (state) {
        case ENDING -> row.toDomain();
        case ARCHIVED -> closures.step(id, Event.SHRED, Map.of("by", worker), x -> x);
        case SHREDDING -> closures.step(id, Event.RESUME, Map.of("by", worker,
            "after", "the lease of an earlier run lapsed"), x -> x);
        default -> throw new IllegalStateException(state.name());
      };
      return Optional.of(new Claim(id, state == ClosureState.ENDING ? Step.ARCHIVE : Step.SHRED, c));
    }
    return Optional.empty();
  }

  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean heartbeat(String projectId, String worker) {
    ClosureRow row = em.find(ClosureRow.class, projectId);
    if (row == null || !worker.equals(row.claimedBy)) {
      return false;
    }
    row.claimedAt = clock.instant();
    return true;
  }

  /** What the archive holds, read in one transaction: metadata, released packages, the project's audit entries. */
  @Transactional(value = Transactional.TxType.REQUIRES_NEW, rollbackOn = Exception.class)
  public Map<String, byte[]> archiveContent(String projectId) throws IOException {
    Project p = registry.project(projectId).orElseThrow();
    Closure c = closures.find(projectId).orElseThrow();
    Map<String, byte[]> files = ProjectArchive.files();
    Map<String, Object> project = new LinkedHashMap<>();
    project.put("id", p.id());
    project.put("title", p.title());
    project.put("organisationId", p.organisationId());
    project.put("decisionNumber", p.decisionNumber());
    project.put("purpose", p.purpose());
    project.put("dataScope", JSON.readTree(p.dataScope()));
    project.put("approvedFrom", p.approvedFrom().toString());
    project.put("approvedUntil", p.approvedUntil().toString());
    project.put("members", p.members());
    Map<String, Object> end = new LinkedHashMap<>();
    end.put("cause", c.cause());
    end.put("reason", c.reason());
    end.put("requestedBy", c.requestedBy());
    end.put("requestedAt", c.requestedAt().toString());
    end.put("sessionsEnded", c.sessionsEnded());
    project.put("end", end);
    files.put("project.json", JSON.writeValueAsBytes(project));
    try {
      em.unwrap(org.hibernate.Session.class).doWork(conn -> {
        try {
          files.put("members.csv", csv(conn, "select m.subject, pe.name, m.role from project_member m "
              + "left join person pe on pe.subject = m.subject where m.project_id = ? order by 1", projectId));
          files.put("sessions.csv", csv(conn, "select id, subject, kind, state, booked_at::text, opened_at::text, "
              + "ended_at::text, ended_by, end_reason from research_session where project_id = ? order by booked_at, id",
              projectId));
          files.put("provisioning.csv", csv(conn, "select id, scope_sha256, state, phase, percent, reason, result, attempt, "
              + "requested_by, requested_at::text, started_at::text, finished_at::text from provisioning_job "
              + "where project_id = ? order by requested_at, id", projectId));
          files.put("exports.csv", csv(conn, "select id, author, title, state, check_attempts, check_error, "
              + "created_at::text, updated_at::text from export_request where project_id = ? order by created_at, id",
              projectId));
          files.put("export-items.csv", csv(conn, "select i.request_id, i.item_id, i.position, i.type, i.name, "
              + "i.table_name, i.query_ids, i.verdict from export_item i join export_request r on r.id = i.request_id "
              + "where r.project_id = ? order by 1, 3", projectId));
          files.put("export-votes.csv", csv(conn, "select v.request_id, v.reviewer, v.approve, v.comment, v.safe_items, "
              + "v.voted_at::text from export_vote v join export_request r on r.id = v.request_id where r.project_id = ? "
              + "order by 1, v.voted_at", projectId));
          files.put("releases.csv", csv(conn, "select id, request_id, author, package_sha256, package_bytes, "
              + "released_at::text from project_release where project_id = ? order by released_at, id", projectId));
          files.put("release-files.csv", csv(conn, "select f.release_id, f.position, f.name, f.item_id, f.sha256, f.bytes, "
              + "f.is_table, f.safe_version from release_file f join project_release r on r.id = f.release_id "
              + "where r.project_id = ? order by 1, 2", projectId));
          files.put("reidentifications.csv", csv(conn, "select id, export_id, release_id, inspector, legal_basis, state, "
              + "approvers, error, filed_at::text, updated_at::text from reid_request where project_id = ? "
              + "order by filed_at, id", projectId));
          try (PreparedStatement st = conn.prepareStatement(
              "select id, package from project_release where project_id = ? order by released_at, id")) {
            st.setString(1, projectId);
            try (ResultSet r = st.executeQuery()) {
              while (r.next()) {
                files.put("releases/" + r.getString(1) + ".zip", r.getBytes(2));
              }
            }
          }
          files.put("audit-server.jsonl", serverAudit(conn, projectId));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    } catch (org.hibernate.JDBCException e) {
      throw new IOException("reading project " + projectId + " for its archive failed: " + e.getMessage(), e);
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
    ByteArrayOutputStream zone = new ByteArrayOutputStream();
    for (TrailEntry e : zones.zoneEntriesOf(projectId)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("zone", e.zone());
      m.put("seq", e.seq());
      m.put("at", e.at().toString());
      m.put("user", e.user());
      m.put("event", e.event());
      m.put("target", e.target());
      m.put("detail", e.detail());
      m.put("hash", e.hash());
      zone.write(new ObjectMapper().writeValueAsBytes(m));
      zone.write('\n');
    }
    files.put("audit-zones.jsonl", zone.toByteArray());
    return files;
  }

  /** The server chain's entries about the project and its sessions, exports, re-identifications and gateway, with their hashes. */
  private static byte[] serverAudit(Connection conn, String projectId) throws SQLException, IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // One parameter: the project id, named p.id throughout.
    try (PreparedStatement st = conn.prepareStatement("with p as (select ?::text as id) "
        + "select a.seq, a.at::text, a.actor, a.event, a.target, a.detail, a.prev_hash, a.hash from audit_event a, p "
        + "where a.target = 'project/' || p.id or a.target = 'gateway/' || p.id "
        + "or a.target in (select 'session/' || s.id from research_session s where s.project_id = p.id) "
        + "or a.target in (select 'export/' || e.id from export_request e where e.project_id = p.id) "
        + "or a.target in (select 'reid/' || r.id from reid_request r where r.project_id = p.id) "
        + "or a.detail like '%\"project\":' || to_json(p.id)::text || '%' order by a.seq")) {
      st.setString(1, projectId);
      try (ResultSet r = st.executeQuery()) {
        ObjectMapper m = new ObjectMapper();
        while (r.next()) {
          Map<String, Object> e = new LinkedHashMap<>();
          e.put("seq", r.getLong(1));
          e.put("at", r.getString(2));
          e.put("actor", r.getString(3));
          e.put("event", r.getString(4));
          e.put("target", r.getString(5));
          e.put("detail", m.readTree(r.getString(6)));
          e.put("prevHash", r.getString(7));
          e.put("hash", r.getString(8));
          out.write(m.writeValueAsBytes(e));
          out.write('\n');
        }
      }
    }
    return out.toByteArray();
  }

  private static byte[] csv(Connection conn, String sql, String projectId) throws SQLException, IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PreparedStatement st = conn.prepareStatement(sql)) {
      st.setString(1, projectId);
      try (ResultSet r = st.executeQuery();
          CSVPrinter printer = new CSVPrinter(new OutputStreamWriter(out, StandardCharsets.UTF_8),
              CSVFormat.RFC4180.builder().setHeader(r).build())) {
        printer.printRecords(r);
      }
    }
    return out.toByteArray();
  }

  /** Records the written archive and moves the closure to ARCHIVED, once, by the worker that holds it. */
  @Transactional(value = Transactional.TxType.REQUIRES_NEW, dontRollbackOn = Refusal.class)
  public boolean archived(String projectId, String worker, ProjectArchive.Written a) {
    ClosureRow row = mine(projectId, worker, ClosureState.ENDING);
    if (row == null) {
      return false;
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("archive", a.dir().toString());
    d.put("archiveSha256", a.sha256());
    d.put("files", a.files().size());
    d.put("reused", a.reused());
    closures.step(projectId, Event.ARCHIVE, d, c -> c.archived(a.dir().toString(), a.sha256(), a.files(), clock.instant()));
    release(projectId);
    return true;
  }

  /**
   * Writes the deletion certificate from the holder's record: to the closure and, as the detail of
   * {@code project.ended}, to the audit trail in the same transaction as the move to ENDED.
   */
  @Transactional(value = Transactional.TxType.REQUIRES_NEW, dontRollbackOn = Refusal.class)
  public Optional<Map<String, Object>> certified(String projectId, String worker, JsonNode holder) throws IOException {
    ClosureRow row = mine(projectId, worker, ClosureState.SHREDDING);
    if (row == null) {
      return Optional.empty();
    }
    Closure c = row.toDomain();
    Project p = registry.project(projectId).orElseThrow();
    JsonNode rec = holder.path("record");
    Map<String, Object> cert = new LinkedHashMap<>();
    cert.put("certificate", "project-deletion/1");
    cert.put("project", projectId);
    cert.put("title", p.title());
    cert.put("decisionNumber", p.decisionNumber());
    cert.put("cause", c.cause());
    cert.put("reason", c.reason());
    cert.put("requestedBy", c.requestedBy());
    cert.put("requestedAt", c.requestedAt().toString());
    cert.put("sessionsEnded", c.sessionsEnded());
    Map<String, Object> archive = new LinkedHashMap<>();
    archive.put("path", c.archivePath());
    archive.put("sha256", c.archiveSha256());
    archive.put("files", c.archiveFiles());
    cert.put("archive", archive);
    Map<String, Object> shred = new LinkedHashMap<>();
    shred.put("status", holder.path("status").asText());
    shred.put("deletedAt", rec.path("deletedAt").isMissingNode() || rec.path("deletedAt").isNull() ? null
        : rec.path("deletedAt").asText());
    shred.put("sealedExtractSha256", rec.path("sealedSha256").isTextual() ? rec.path("sealedSha256").asText() : null);
    shred.put("destroyedKeys", JSON.convertValue(rec.path("destroyedKeys"), new TypeReference<List<Object>>() {}));
    shred.put("removedFiles", JSON.convertValue(rec.path("removedFiles"), new TypeReference<List<Object>>() {}));
    cert.put("holder", shred);
    cert.put("issuedBy", "system");
    cert.put("issuedAt", clock.instant().toString());
    String json = JSON.writeValueAsString(cert);
    closures.step(projectId, Event.CERTIFY, cert, x -> x.certified(json, clock.instant()));
    return Optional.of(cert);
  }

  @Transactional(value = Transactional.TxType.REQUIRES_NEW, dontRollbackOn = Refusal.class)
  public boolean fail(String projectId, String worker, String error) {
    ClosureRow row = em.find(ClosureRow.class, projectId, LockModeType.PESSIMISTIC_WRITE);
    if (row == null || !worker.equals(row.claimedBy)) {
      return false;
    }
    closures.fail(projectId, error);
    release(projectId);
    return true;
  }

  private ClosureRow mine(String projectId, String worker, ClosureState state) {
    ClosureRow row = em.find(ClosureRow.class, projectId, LockModeType.PESSIMISTIC_WRITE);
    return row != null && state.name().equals(row.state) && worker.equals(row.claimedBy) ? row : null;
  }

  private void release(String projectId) {
    ClosureRow row = em.find(ClosureRow.class, projectId);
    if (row != null && !"ENDED".equals(row.state)) {
      row.claimedBy = null;
      row.claimedAt = null;
    }
  }
}
