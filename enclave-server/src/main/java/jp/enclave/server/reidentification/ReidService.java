package jp.enclave.server.reidentification;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import jp.enclave.server.access.Access;
import jp.enclave.server.access.Caller;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.access.Refusals;
import jp.enclave.server.airlock.AirlockStore;
import jp.enclave.server.airlock.ExportRequest;
import jp.enclave.server.airlock.ExportState;
import jp.enclave.server.airlock.Release;
import jp.enclave.server.audit.AuditTrail;
import jp.enclave.server.registry.Project;
import jp.enclave.server.registry.RegistryStore;
import jp.enclave.server.sessions.SessionService;
import jp.enclave.server.reidentification.ReidTransitions.Action;
import jp.enclave.server.reidentification.ReidTransitions.Party;
import jp.enclave.server.reidentification.ReidTransitions.Transition;

/**
 * PMDA re-identification: an inspector files a request naming a released submission, the
 * pseudonyms in question and the legal basis; two different re-identification officers approve;
 * then the server runs it in the data holder's zone (a job, {@link HolderProcess}) and keeps the
 * source references for the filing inspector alone. Pseudonyms that do not appear in the cited
 * submission are refused at filing. Every step, including each refused attempt, is audited.
 */
public final class ReidService {
  public static final int MAX_PSEUDONYMS = 10_000;
  private static final Pattern PSEUDONYM = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern TOKEN = Pattern.compile("[^A-Za-z0-9_-]+");

  private final ReidStore store;
  private final AirlockStore airlock;
  private final RegistryStore registry;
  private final Access access;
  private final AuditTrail audit;
  private final Clock clock;
  private final SessionService.ProjectEnds ends;

  public ReidService(ReidStore store, AirlockStore airlock, RegistryStore registry, Access access, AuditTrail audit,
      Clock clock) {
    this(store, airlock, registry, access, audit, clock, SessionService.ProjectEnds.NONE);
  }

  /**
   * {@code ends}: project end destroys the project's pseudonym key with its extract, so a request
   * filed after it could never be answered; it is refused at filing (inspections come before the end).
   */
  public ReidService(ReidStore store, AirlockStore airlock, RegistryStore registry, Access access, AuditTrail audit,
      Clock clock, SessionService.ProjectEnds ends) {
    this.ends = ends;
    this.store = store;
    this.airlock = airlock;
    this.registry = registry;
    this.access = access;
    this.audit = audit;
    this.clock = clock;
  }

  public ReidRequest file(Caller c, String exportId, List<String> pseudonyms, String legalBasis) {
    ExportRequest export = airlock.find(exportId == null ? "" : exportId)
        .orElseThrow(() -> Refusals.notFound("submission", exportId));
    Project p = project(export.projectId());
    access.requireFileReidentification(c, p);
    ends.requireNotEnded(audit, c, p.id(), "file a re-identification request");
    List<String> problems = new ArrayList<>();
    if (legalBasis == null || legalBasis.strip().length() < 10 || legalBasis.length() > 2000) {
      problems.add("legalBasis: 10 to 2000 characters naming the law and the case");
    }
    Set<String> wanted = new LinkedHashSet<>(pseudonyms == null ? List.of() : pseudonyms);
    if (wanted.isEmpty() || wanted.size() > MAX_PSEUDONYMS) {
      problems.add("pseudonyms: 1 to " + MAX_PSEUDONYMS + " pseudonyms");
    }
    wanted.stream().filter(x -> x == null || !PSEUDONYM.matcher(x).matches()).findFirst()
        .ifPresent(x -> problems.add("pseudonyms: '" + x + "' is not a pseudonym"));
    if (export.state() != ExportState.RELEASED && export.state() != ExportState.REVOKED) {
      problems.add("exportId: export request " + export.id() + " is " + export.state().wire()
          + ", not a released submission");
    }
    if (!problems.isEmpty()) {
      throw Refusals.invalid("reidentification", problems);
    }
    Release release = airlock.releaseOf(export.id()).orElseThrow(() -> Refusals.notFound("release", export.id()));
    Set<String> inSubmission = tokens(airlock.releasePackage(release.id()).orElseThrow());
    List<String> outside = wanted.stream().filter(x -> !inSubmission.contains(x)).toList();
    if (!outside.isEmpty()) {
      audit.record(c.subject(), "reid.refused", "export/" + export.id(), Map.of("code", "pseudonyms-outside-submission",
          "pseudonyms", wanted.size(), "outside", outside.size()));
      throw Refusals.outsideSubmission(export.id(), outside);
    }
    Instant now = clock.instant();
    ReidRequest r = new ReidRequest(UUID.randomUUID().toString(), p.id(), export.id(), release.id(), c.subject(),
        legalBasis.strip(), List.copyOf(wanted), ReidState.FILED, List.of(), null, now, now, 0);
    store.insert(r);
    audit.record(c.subject(), "reid.filed", target(r), Map.of("project", p.id(), "submission", export.id(),
        "release", release.id(), "pseudonyms", wanted.size(), "legalBasis", r.legalBasis()));
    return store.find(r.id()).orElseThrow();
  }

  /** An officer's approval; the second, by a different officer, queues the run in the holder's zone. */
  public ReidRequest approve(Caller c, String id) {
    ReidRequest r = find(id);
    access.requireReidAction(c, "approveReidentification", "approve the re-identification", r.id(), r.inspector(),
        project(r.projectId()));
    Transition t = step(c, r, Action.APPROVE);
    if (r.approvers().contains(c.subject())) {
      throw refused(c, r, Action.APPROVE, Refusals.sameOfficer(r.id()));
    }
    List<String> approvers = new ArrayList<>(r.approvers());
    approvers.add(c.subject());
    Instant now = clock.instant();
    store.update(r.with(t.to(), approvers, null, now));
    audit.record(c.subject(), t.auditEvent(), target(r), Map.of("approvals", approvers.size()));
    if (t.to() == ReidState.APPROVED) {
      store.enqueueRun(r.id(), now);
    }
    return store.find(r.id()).orElseThrow();
  }

  public ReidRequest reject(Caller c, String id, String reason) {
    ReidRequest r = find(id);
    access.requireReidAction(c, "approveReidentification", "reject the re-identification", r.id(), r.inspector(),
        project(r.projectId()));
    Transition t = step(c, r, Action.REJECT);
    if (reason == null || reason.isBlank()) {
      throw refused(c, r, Action.REJECT, Refusals.invalid("rejection", List.of("reason: say why it is rejected")));
    }
    store.update(r.with(t.to(), r.approvers(), null, clock.instant()));
    audit.record(c.subject(), t.auditEvent(), target(r), Map.of("reason", reason.strip()));
    return store.find(r.id()).orElseThrow();
  }

  /** After the holder's run failed: an officer queues it again. */
  public ReidRequest retry(Caller c, String id) {
    ReidRequest r = find(id);
    access.requireReidAction(c, "approveReidentification", "retry the re-identification", r.id(), r.inspector(),
        project(r.projectId()));
    Transition t = step(c, r, Action.RETRY);
    Instant now = clock.instant();
    store.update(r.with(t.to(), r.approvers(), null, now));
    audit.record(c.subject(), t.auditEvent(), target(r), Map.of());
    store.enqueueRun(r.id(), now);
    return store.find(r.id()).orElseThrow();
  }

  /** The source references, to the filing inspector alone; each read is audited. */
  public String result(Caller c, String id) {
    ReidRequest r = find(id);
    access.requireReidAction(c, "readReidentification", "read the re-identification result", r.id(), r.inspector(),
        project(r.projectId()));
    Transition t = step(c, r, Action.READ);
    String json = store.result(r.id()).orElseThrow(() -> Refusals.notFound("reid-result", id));
    audit.record(c.subject(), t.auditEvent(), target(r), Map.of("pseudonyms", r.pseudonyms().size()));
    return json;
  }

  // --- the server (run job) ---

  /** The job claimed the request; a repeat after a crash finds it running already and does not move it twice. */
  public ReidRequest start(String id) {
    ReidRequest r = find(id);
    if (r.state() == ReidState.RUNNING) {
      return r;
    }
    Transition t = step(Caller.SYSTEM, r, Action.START);
    store.update(r.with(t.to(), r.approvers(), null, clock.instant()));
    audit.record(Caller.SYSTEM.subject(), t.auditEvent(), target(r), Map.of("approvers", r.approvers()));
    return store.find(id).orElseThrow();
  }

  public ReidRequest finish(String id, String resultJson, int resolved, int notFound) {
    ReidRequest r = find(id);
    Transition t = step(Caller.SYSTEM, r, Action.FINISH);
    store.saveResult(r.id(), resultJson);
    store.update(r.with(t.to(), r.approvers(), null, clock.instant()));
    audit.record(Caller.SYSTEM.subject(), t.auditEvent(), target(r), Map.of("resolved", resolved, "notFound", notFound));
    return store.find(id).orElseThrow();
  }

  public ReidRequest fail(String id, String error) {
    ReidRequest r = find(id);
    Transition t = step(Caller.SYSTEM, r, Action.FAIL);
    String why = error == null ? "unknown" : error.length() > 1000 ? error.substring(0, 1000) : error;
    store.update(r.with(t.to(), r.approvers(), why, clock.instant()));
    audit.record(Caller.SYSTEM.subject(), t.auditEvent(), target(r), Map.of("error", why));
    return store.find(id).orElseThrow();
  }

  // --- reading ---

  /** A released submission an inspector may file against: what the filing form's list shows. */
  public record Submission(String exportId, String projectId, String projectTitle, String title, String releaseId,
      Instant releasedAt, String state) {}

  /**
   * The released submissions (exports released or revoked after release, as {@link #file} accepts)
   * of projects that have not ended and about which the caller may file, newest first. Asking for
   * the list is an access decision of its own (Cedar {@code viewReleasedSubmissions}; a denial is
   * audited); typed IDs stay accepted by {@link #file}, which asks its own questions.
   */
  public List<Submission> submissions(Caller c) {
    access.requireViewReleasedSubmissions(c);
    Map<String, java.util.Optional<Project>> projects = new java.util.HashMap<>();
    List<Submission> out = new ArrayList<>();
    for (ExportRequest e : airlock.inStates(List.of(ExportState.RELEASED, ExportState.REVOKED))) {
      Project p = projects.computeIfAbsent(e.projectId(), registry::project).orElse(null);
      if (p == null || ends.why(p.id()).isPresent() || !access.allowsFileReidentification(c, p)) {
        continue;
      }
      airlock.releaseOf(e.id()).ifPresent(r -> out.add(new Submission(e.id(), p.id(), p.title(), e.title(), r.id(),
          r.at(), e.state().wire())));
    }
    out.sort(java.util.Comparator.comparing(Submission::releasedAt).reversed().thenComparing(Submission::exportId));
    return out;
  }

  /** Officers see every request, an inspector their own; anyone else nothing. */
  public List<ReidRequest> list(Caller c) {
    if (c.roles().contains("reid-officer")) {
      return store.all();
    }
    return store.ofInspector(c.subject());
  }

  /** One request to its inspector or an officer; anyone else "not found" whether it exists or not, audited. */
  public ReidRequest get(Caller c, String id) {
    ReidRequest r = store.find(id).orElse(null);
    if (r != null && (r.inspector().equals(c.subject()) || access.allowsReidAction(c, "approveReidentification",
        r.id(), r.inspector(), project(r.projectId())))) {
      return r;
    }
    var refusal = Refusals.notFound("reidentification", id);
    audit.record(c.subject(), "access.denied", "reidentification/" + Refusals.clip(id), Map.of("action",
        "read the re-identification request", "code", refusal.code(), "exists", r != null));
    throw refusal;
  }

  // --- internals ---

  /** Every token of the submission's files (CSV cells, words of text): what a pseudonym must be one of. */
  static Set<String> tokens(byte[] zip) {
    Set<String> out = new HashSet<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.getName().equals("manifest.json")) {
          continue;
        }
        for (String t : TOKEN.split(new String(in.readAllBytes(), StandardCharsets.UTF_8))) {
          if (!t.isEmpty()) {
            out.add(t);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private Transition step(Caller c, ReidRequest r, Action a) {
    Transition t = ReidTransitions.find(r.state(), a)
        .orElseThrow(() -> refused(c, r, a, Refusals.reidTransition(r.id(), r.state().wire(), a.wire())));
    if (partyOf(c, r) != t.party()) {
      throw refused(c, r, a, Refusals.wrongParty(r.id(), a.wire(), t.party().name().toLowerCase(java.util.Locale.ROOT)));
    }
    return t;
  }

  static Party partyOf(Caller c, ReidRequest r) {
    if (c.subject().equals(Caller.SYSTEM.subject())) {
      return Party.SYSTEM;
    }
    if (c.subject().equals(r.inspector())) {
      return Party.INSPECTOR;
    }
    return c.roles().contains("reid-officer") ? Party.OFFICER : null;
  }

  private Refusal refused(Caller c, ReidRequest r, Action a, Refusal refusal) {
    audit.record(c.subject(), "reid.refused", target(r), Map.of("action", a.wire(), "state", r.state().wire(),
        "code", refusal.code()));
    return refusal;
  }

  private ReidRequest find(String id) {
    return store.find(id).orElseThrow(() -> Refusals.notFound("reidentification", id));
  }

  private Project project(String id) {
    return registry.project(id).orElseThrow(() -> Refusals.notFound("project", id));
  }

  private static String target(ReidRequest r) {
    return "reid/" + r.id();
  }
}
