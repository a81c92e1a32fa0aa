package jp.enclave.server.airlock;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import jp.enclave.server.access.Access;
import jp.enclave.server.access.Caller;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.access.Refusals;
import jp.enclave.server.airlock.ExportTransitions.Action;
import jp.enclave.server.airlock.ExportTransitions.Party;
import jp.enclave.server.airlock.ExportTransitions.Transition;
import jp.enclave.server.audit.AuditTrail;
import jp.enclave.server.registry.Project;
import jp.enclave.server.registry.RegistryStore;
import jp.enclave.server.sessions.SessionService;

/**
 * The export airlock: researchers assemble and submit requests, the output checker runs on them
 * (as the server, through a job), reviewers vote independently, an approval is packaged as a
 * release only its author downloads. Every move goes through {@link ExportTransitions}; every
 * change and every refused attempt is audited in the caller's transaction.
 */
public final class AirlockService {
  public static final int MAX_ITEMS = 50;
  public static final int MAX_ITEM_BYTES = 16 << 20;
  private static final Pattern ITEM_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
  private static final Pattern QUERY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,79}");
  private static final Set<String> TABLE_KINDS = Set.of("frequency", "magnitude", "survival");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AirlockStore store;
  private final RegistryStore registry;
  private final Access access;
  private final AuditTrail audit;
  private final Clock clock;
  private final SessionService.ProjectEnds ends;

  public AirlockService(AirlockStore store, RegistryStore registry, Access access, AuditTrail audit, Clock clock) {
    this(store, registry, access, audit, clock, SessionService.ProjectEnds.NONE);
  }

  /** {@code ends}: an ended project's extract is erased, so nothing new can be assembled, checked or submitted. */
  public AirlockService(AirlockStore store, RegistryStore registry, Access access, AuditTrail audit, Clock clock,
      SessionService.ProjectEnds ends) {
    this.ends = ends;
    this.store = store;
    this.registry = registry;
    this.access = access;
    this.audit = audit;
    this.clock = clock;
  }

  /** A file to add to a draft; {@code table} is a figure's underlying table. */
  public record ItemInput(String id, String type, String name, byte[] content, String tableKind, String tableName,
      byte[] table, List<String> queries) {}

  /** A request as {@code viewer} may see it: votes filtered by {@link ReviewRules#visibleTo}. */
  public record View(ExportRequest request, int requiredApprovals, Release release) {}

  // --- the author ---

  public View create(Caller c, String projectId, String title) {
    Project p = registry.project(projectId).orElseThrow(() -> Refusals.notFound("project", projectId));
    access.requireCreateExport(c, p);
    ends.requireNotEnded(audit, c, p.id(), "create an export request");
    if (title == null || title.isBlank() || title.length() > 200) {
      throw Refusals.invalid("export", List.of("title: 1 to 200 characters saying what the outputs are"));
    }
    Instant now = clock.instant();
    ExportRequest r = new ExportRequest(UUID.randomUUID().toString(), p.id(), c.subject(), title.strip(),
        ExportState.DRAFT, List.of(), List.of(), CheckProgress.NONE, now, now, 0);
    store.insert(r);
    audit.record(c.subject(), "export.created", target(r), Map.of("project", p.id(), "title", r.title()));
    return view(c, store.find(r.id()).orElseThrow());
  }

  public View addItem(Caller c, String id, Long version, ItemInput in) {
    ExportRequest r = authorAction(c, id, version, Action.EDIT);
    ExportItem item = validItem(r, in);
    List<ExportItem> items = new ArrayList<>(r.items());
    items.add(item);
    return move(c, r, Action.EDIT, r.with(ExportState.DRAFT, items, r.votes(), r.check(), clock.instant()),
        Map.of("added", item.id(), "type", item.type().wire(), "queries", item.queryIds()));
  }

  public View removeItem(Caller c, String id, Long version, String itemId) {
    ExportRequest r = authorAction(c, id, version, Action.EDIT);
    if (r.item(itemId).isEmpty()) {
      throw refused(c, r, Action.EDIT, Refusals.notFound("export-item", itemId));
    }
    List<ExportItem> items = r.items().stream().filter(i -> !i.id().equals(itemId)).toList();
    return move(c, r, Action.EDIT, r.with(ExportState.DRAFT, items, r.votes(), r.check(), clock.instant()),
        Map.of("removed", itemId));
  }

  /** Submits the draft; the check job is queued in the same transaction, so a submission is never without its check. */
  public View submit(Caller c, String id, Long version) {
    ExportRequest r = authorAction(c, id, version, Action.SUBMIT);
    if (r.items().isEmpty()) {
      throw refused(c, r, Action.SUBMIT, Refusals.invalid("export", List.of("items: add at least one file to export")));
    }
    Instant now = clock.instant();
    View v = move(c, r, Action.SUBMIT, r.with(ExportState.SUBMITTED, r.items(), r.votes(),
        new CheckProgress("queued", r.check().attempts(), null, null, null), now), Map.of("items", r.items().size()));
    store.enqueueCheck(r.id(), now);
    return v;
  }

  /** After the checker failed: submit again (a new check job). */
  public View retryCheck(Caller c, String id) {
    ExportRequest r = authorAction(c, id, null, Action.RETRY_CHECK);
    Instant now = clock.instant();
    View v = move(c, r, Action.RETRY_CHECK, r.with(ExportState.SUBMITTED, r.items(), r.votes(),
        new CheckProgress("queued", r.check().attempts(), null, null, null), now), Map.of());
    store.enqueueCheck(r.id(), now);
    return v;
  }

  /** The release package, to its author only; each download is audited with the package's hash. */
  public Download download(Caller c, String id) {
    ExportRequest r = find(id);
    access.requireExportAction(c, "downloadRelease", "download the release", r.id(), r.author(), project(r));
    Transition t = step(c, r, Action.DOWNLOAD);
    Release rel = store.releaseOf(r.id()).orElseThrow(() -> Refusals.notFound("release", r.id()));
    byte[] zip = store.releasePackage(rel.id()).orElseThrow(() -> Refusals.notFound("release", rel.id()));
    audit.record(c.subject(), t.auditEvent(), target(r), Map.of("release", rel.id(), "sha256", rel.packageSha256()));
    return new Download(rel, zip);
  }

  public record Download(Release release, byte[] zip) {}

  // --- reviewers ---

  /**
   * A reviewer's vote. The author never votes on their own request; each reviewer votes once; the
   * votes' outcome ({@link ReviewRules}) approves (and releases) or rejects in the same transaction.
   */
  public View vote(Caller c, String id, boolean approve, String comment, Set<String> safeItems) {
    ExportRequest r = find(id);
    access.requireExportAction(c, "reviewExport", "review the export request", r.id(), r.author(), project(r));
    Transition t = step(c, r, Action.VOTE);
    if (r.votes().stream().anyMatch(v -> v.reviewer().equals(c.subject()))) {
      throw refused(c, r, Action.VOTE, Refusals.alreadyVoted(r.id()));
    }
    Set<String> safe = safeItems == null ? Set.of() : Set.copyOf(safeItems);
    List<String> problems = new ArrayList<>();
    if (comment == null || comment.isBlank() || comment.length() > 2000) {
      problems.add("comment: 1 to 2000 characters saying why");
    }
    if (!approve && !safe.isEmpty()) {
      problems.add("safeItems: a safe version is applied only when approving");
    }
    for (String s : new java.util.TreeSet<>(safe)) {
      var item = r.item(s);
      if (item.isEmpty()) {
        problems.add("safeItems: no item '" + s + "'");
      } else if (!item.get().hasSafeVersion()) {
        problems.add("safeItems: the checker suggested no safe version of '" + s + "'");
      }
    }
    if (!problems.isEmpty()) {
      throw refused(c, r, Action.VOTE, Refusals.invalid("vote", problems));
    }
    Instant now = clock.instant();
    List<Vote> votes = new ArrayList<>(r.votes());
    votes.add(new Vote(c.subject(), approve, comment.strip(), safe, now));
    ExportRequest voted = r.with(t.to(), r.items(), votes, r.check(), now);
    store.update(voted);
    audit.record(c.subject(), t.auditEvent(), target(r), Map.of("approve", approve, "safeItems", new java.util.TreeSet<>(safe),
        "votes", votes.size()));
    ExportRequest current = store.find(r.id()).orElseThrow();
    int required = ReviewRules.required(current.items());
    switch (ReviewRules.outcome(votes, required)) {
      case APPROVED -> release(decide(current, Action.APPROVE, votes));
      case REJECTED -> decide(current, Action.REJECT, votes);
      case PENDING -> { }
    }
    return view(c, store.find(r.id()).orElseThrow());
  }

  public View revoke(Caller c, String id, String reason) {
    ExportRequest r = find(id);
    access.requireExportAction(c, "revokeRelease", "revoke the release", r.id(), r.author(), project(r));
    Transition t = step(c, r, Action.REVOKE);
    if (reason == null || reason.isBlank()) {
      throw refused(c, r, Action.REVOKE, Refusals.invalid("revocation", List.of("reason: say why the release is revoked")));
    }
    return move(c, r, Action.REVOKE, r.with(t.to(), r.items(), r.votes(), r.check(), clock.instant()),
        Map.of("reason", reason.strip()));
  }

  // --- the server (check job) ---

  /** The check job claimed the request: checking starts (a repeat after a crash finds it checking already). */
  public ExportRequest startCheck(String id) {
    ExportRequest r = find(id);
    if (r.state() == ExportState.CHECKING) {
      return r; // resumed after a crash: the same run again, nothing moves twice
    }
    Transition t = step(Caller.SYSTEM, r, Action.START_CHECK);
    Instant now = clock.instant();
    ExportRequest moved = r.with(t.to(), r.items(), r.votes(),
        new CheckProgress("running", r.check().attempts() + 1, null, now, null), now);
    store.update(moved);
    audit.record(Caller.SYSTEM.subject(), t.auditEvent(), target(r), Map.of("attempt", moved.check().attempts()));
    return store.find(id).orElseThrow();
  }

  public ExportRequest finishCheck(String id, CheckOutcome outcome) {
    ExportRequest r = find(id);
    List<String> missing = r.items().stream().map(ExportItem::id).filter(i -> !outcome.verdicts().containsKey(i)).toList();
    if (!missing.isEmpty()) {
      return failCheck(id, "the checker gave no verdict for " + String.join(", ", missing));
    }
    Transition t = step(Caller.SYSTEM, r, Action.FINISH_CHECK);
    Instant now = clock.instant();
    List<ExportItem> items = r.items().stream()
        .map(i -> i.checked(outcome.verdicts().get(i.id()), i.type() == ItemType.TABLE ? outcome.safeVersions().get(i.id()) : null))
        .toList();
    ExportRequest moved = r.with(t.to(), items, r.votes(),
        new CheckProgress("done", r.check().attempts(), null, r.check().startedAt(), now), now);
    store.update(moved);
    store.saveReport(r.id(), outcome.reportHtml(), outcome.reportHtmlJa(), outcome.resultsJson());
    Map<String, String> verdicts = new LinkedHashMap<>();
    items.forEach(i -> verdicts.put(i.id(), i.verdict().wire()));
    audit.record(Caller.SYSTEM.subject(), t.auditEvent(), target(r), Map.of("verdicts", verdicts,
        "requiredApprovals", ReviewRules.required(items)));
    return store.find(id).orElseThrow();
  }

  public ExportRequest failCheck(String id, String error) {
    ExportRequest r = find(id);
    Transition t = step(Caller.SYSTEM, r, Action.FAIL_CHECK);
    Instant now = clock.instant();
    String why = error == null ? "unknown" : error.length() > 1000 ? error.substring(0, 1000) : error;
    store.update(r.with(t.to(), r.items(), r.votes(),
        new CheckProgress("failed", r.check().attempts(), why, r.check().startedAt(), now), now));
    audit.record(Caller.SYSTEM.subject(), t.auditEvent(), target(r), Map.of("error", why));
    return store.find(id).orElseThrow();
  }

  // --- reading ---

  /** The caller's own requests, newest first. */
  public List<View> mine(Caller c) {
    return store.ofAuthor(c.subject()).stream().map(r -> view(c, r)).toList();
  }

  /** What a reviewer may review or has reviewed: submitted requests of others the policies let them review. */
  public List<View> queue(Caller c) {
    return store.inStates(List.of(ExportState.CHECKED, ExportState.IN_REVIEW, ExportState.APPROVED,
            ExportState.REJECTED, ExportState.RELEASED, ExportState.REVOKED)).stream()
        .filter(r -> access.allowsExportAction(c, "reviewExport", r.id(), r.author(), project(r)))
        .map(r -> view(c, r)).toList();
  }

  /** One request: its author sees it always, a reviewer once it is checked; anyone else gets "not found". */
  public View get(Caller c, String id) {
    return view(c, visible(c, id, "export request"));
  }

  /** The checker's HTML report in English, for reviewers and the author once the check is done. */
  public String report(Caller c, String id) {
    return report(c, id, "en");
  }

  /** The report in the portal's language ("ja" or "en"; English for a check that wrote no Japanese report). */
  public String report(Caller c, String id, String language) {
    ExportRequest r = visible(c, id, "check report");
    return store.reportHtml(r.id(), language).orElseThrow(() -> Refusals.notFound("check-report", id));
  }

  public byte[] itemContent(Caller c, String id, String itemId, boolean safe) {
    ExportRequest r = visible(c, id, "item content");
    ExportItem i = r.item(itemId).orElseThrow(() -> Refusals.notFound("export-item", itemId));
    byte[] b = safe ? i.safeContent() : i.content();
    if (b == null) {
      throw Refusals.notFound("safe-version", itemId);
    }
    return b;
  }

  // --- internals ---

  /**
   * The request if the caller may read it. Anyone else gets the same "not found" whether it exists
   * or not (no oracle for guessed ids), and the attempt is audited either way: tried from outside,
   * reads of another project's request, its items and report were refused but left no trace.
   */
  private ExportRequest visible(Caller c, String id, String what) {
    ExportRequest r = store.find(id).orElse(null);
    if (r != null && r.author().equals(c.subject())) {
      return r;
    }
    boolean checked = r != null && !Set.of(ExportState.DRAFT, ExportState.SUBMITTED, ExportState.CHECKING,
        ExportState.CHECK_FAILED).contains(r.state());
    if (checked && access.allowsExportAction(c, "reviewExport", r.id(), r.author(), project(r))) {
      return r;
    }
    Refusal refusal = Refusals.notFound("export", id);
    audit.record(c.subject(), "access.denied", "export/" + Refusals.clip(id), Map.of("action", "read the " + what,
        "code", refusal.code(), "exists", r != null));
    throw refusal;
  }


  private View view(Caller c, ExportRequest r) {
    int required = ReviewRules.required(r.items());
    List<Vote> votes = ReviewRules.visibleTo(c.subject(), r.state(), r.votes(), required);
    ExportRequest shown = new ExportRequest(r.id(), r.projectId(), r.author(), r.title(), r.state(), r.items(), votes,
        r.check(), r.createdAt(), r.updatedAt(), r.version());
    return new View(shown, required, store.releaseOf(r.id()).orElse(null));
  }

  private ExportRequest authorAction(Caller c, String id, Long version, Action a) {
    ExportRequest r = find(id);
    access.requireExportAction(c, "editExport", a == Action.EDIT ? "edit the export request"
        : a == Action.SUBMIT ? "submit the export request" : "retry the check", r.id(), r.author(), project(r));
    step(c, r, a);
    ends.requireNotEnded(audit, c, r.projectId(), a == Action.EDIT ? "edit the export request"
        : a == Action.SUBMIT ? "submit the export request" : "retry the check");
    if (version != null && version != r.version()) {
      throw refused(c, r, a, Refusals.stale("export", r.id(), version, r.version()));
    }
    return r;
  }

  private ExportRequest decide(ExportRequest r, Action a, List<Vote> votes) {
    Transition t = step(Caller.SYSTEM, r, a);
    ExportRequest moved = r.with(t.to(), r.items(), r.votes(), r.check(), clock.instant());
    store.update(moved);
    long approvals = votes.stream().filter(Vote::approve).count();
    audit.record(Caller.SYSTEM.subject(), t.auditEvent(), target(r), Map.of("approvals", approvals,
        "rejections", votes.size() - approvals, "reviewers", votes.stream().map(Vote::reviewer).toList()));
    return store.find(r.id()).orElseThrow();
  }

  /**
   * Packages the approved files: an item's suggested safe version when an approving reviewer
   * applied it, else the original; a figure with its table. Tables join the release history.
   */
  private void release(ExportRequest r) {
    Transition t = step(Caller.SYSTEM, r, Action.RELEASE);
    String releaseId = UUID.randomUUID().toString();
    Set<String> safe = new HashSet<>();
    r.votes().stream().filter(Vote::approve).forEach(v -> safe.addAll(v.safeItems()));
    List<Packager.Entry> entries = new ArrayList<>();
    List<Release.File> files = new ArrayList<>();
    List<AirlockStore.ReleasedTable> tables = new ArrayList<>();
    for (ExportItem i : r.items()) {
      boolean useSafe = safe.contains(i.id());
      String name = i.id() + "/" + (useSafe ? stem(i.name()) + "_safe.csv" : i.name());
      byte[] content = useSafe ? i.safeContent() : i.content();
      boolean isTable = i.type() == ItemType.TABLE && (useSafe || i.name().endsWith(".csv"));
      entries.add(new Packager.Entry(name, content));
      files.add(new Release.File(name, i.id(), Packager.sha256(content), content.length, isTable, useSafe));
      if (isTable) {
        tables.add(new AirlockStore.ReleasedTable(releaseId, r.projectId(), releaseId + "_" + i.id(), content));
      }
      if (i.type() == ItemType.FIGURE) {
        String tname = i.id() + "/" + i.tableName();
        entries.add(new Packager.Entry(tname, i.table()));
        files.add(new Release.File(tname, i.id(), Packager.sha256(i.table()), i.table().length, true, false));
        if (i.tableName().endsWith(".csv")) {
          tables.add(new AirlockStore.ReleasedTable(releaseId, r.projectId(), releaseId + "_" + i.id() + "_table",
              i.table()));
        }
      }
    }
    Instant now = clock.instant();
    ObjectNode header = JSON.createObjectNode().put("release", releaseId).put("project", r.projectId())
        .put("request", r.id()).put("author", r.author()).put("at", now.toString());
    byte[] zip = Packager.zip(header, entries);
    Release rel = new Release(releaseId, r.id(), r.projectId(), r.author(), Packager.sha256(zip), zip.length, files, now);
    store.insertRelease(rel, zip, tables);
    store.update(r.with(t.to(), r.items(), r.votes(), r.check(), now));
    audit.record(Caller.SYSTEM.subject(), t.auditEvent(), target(r), Map.of("release", releaseId,
        "sha256", rel.packageSha256(), "files", files.stream().map(f -> f.name() + " " + f.sha256()).toList()));
  }

  private static boolean csv(String name) {
    return name.toLowerCase(java.util.Locale.ROOT).endsWith(".csv");
  }

  private static String stem(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  private View move(Caller c, ExportRequest r, Action a, ExportRequest moved, Map<String, ?> detail) {
    Transition t = ExportTransitions.find(r.state(), a).orElseThrow();
    store.update(moved);
    audit.record(c.subject(), t.auditEvent(), target(r), detail);
    return view(c, store.find(r.id()).orElseThrow());
  }

  /** The table's row for this move, made by the right party; otherwise refused and the attempt audited. */
  private Transition step(Caller c, ExportRequest r, Action a) {
    Transition t = ExportTransitions.find(r.state(), a)
        .orElseThrow(() -> refused(c, r, a, Refusals.exportTransition(r.id(), r.state().wire(), a.wire())));
    Party p = partyOf(c, r);
    if (p != t.party()) {
      throw refused(c, r, a, Refusals.wrongParty(r.id(), a.wire(), t.party().name().toLowerCase(java.util.Locale.ROOT)));
    }
    return t;
  }

  /** Who the caller is to this request; the author is never its reviewer, whatever their roles. */
  static Party partyOf(Caller c, ExportRequest r) {
    if (c.subject().equals(Caller.SYSTEM.subject())) {
      return Party.SYSTEM;
    }
    if (c.subject().equals(r.author())) {
      return Party.AUTHOR;
    }
    return c.roles().contains("reviewer") ? Party.REVIEWER : null;
  }

  private Refusal refused(Caller c, ExportRequest r, Action a, Refusal refusal) {
    audit.record(c.subject(), "export.refused", target(r), Map.of("action", a.wire(), "state", r.state().wire(),
        "code", refusal.code()));
    return refusal;
  }

  private ExportItem validItem(ExportRequest r, ItemInput in) {
    List<String> problems = new ArrayList<>();
    if (in == null) {
      throw Refusals.invalid("export-item", List.of("the item is missing"));
    }
    ItemType type = null;
    try {
      type = ItemType.parse(in.type());
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    if (in.id() == null || !ITEM_ID.matcher(in.id()).matches()) {
      problems.add("id: 1 to 32 of a-z, 0-9 and '-', starting with a letter or digit");
    } else if (r.item(in.id()).isPresent()) {
      problems.add("id: the request already has an item '" + in.id() + "'");
    }
    if (r.items().size() >= MAX_ITEMS) {
      problems.add("items: at most " + MAX_ITEMS + " per request");
    }
    FileNames.problem(in.name()).ifPresent(why -> problems.add("name: " + why));
    if (in.content() == null || in.content().length == 0) {
      problems.add("content: the file is empty");
    } else if (in.content().length > MAX_ITEM_BYTES) {
      problems.add("content: larger than " + (MAX_ITEM_BYTES >> 20) + " MiB");
    }
    List<String> queries = in.queries() == null ? List.of() : in.queries();
    for (String q : queries) {
      if (q == null || !QUERY_ID.matcher(q).matches()) {
        problems.add("queries: '" + q + "' is not a gateway query ID");
      }
    }
    if (type == ItemType.TABLE && in.name() != null && csv(in.name()) && in.content() != null) {
      problems.addAll(FormulaCells.problems("content", in.content()));
    }
    if (type == ItemType.FIGURE && in.tableName() != null && csv(in.tableName()) && in.table() != null) {
      problems.addAll(FormulaCells.problems("table", in.table()));
    }
    String kind = null;
    if (type != null) {
      if (type.citesQueries() && queries.isEmpty()) {
        problems.add("queries: a " + type.wire() + " must cite the gateway queries it came from");
      }
      if (type == ItemType.TABLE || type == ItemType.FIGURE) {
        kind = in.tableKind() == null ? "frequency" : in.tableKind();
        if (!TABLE_KINDS.contains(kind) || (type == ItemType.FIGURE && kind.equals("survival"))) {
          problems.add("tableKind: '" + kind + "' is not one of frequency, magnitude"
              + (type == ItemType.TABLE ? ", survival" : " (a figure's table)"));
        }
      }
      if (type == ItemType.FIGURE) {
        if (in.tableName() == null) {
          problems.add("tableName: a figure needs its underlying table's file name");
        } else {
          FileNames.problem(in.tableName()).ifPresent(why -> problems.add("tableName: " + why));
          if (FileNames.sameFile(in.name(), in.tableName())) {
            // both go to <item>/ in the release zip: one would overwrite the other (or the zip fails)
            problems.add("tableName: must differ from the figure's own name");
          }
        }
        if (in.table() == null || in.table().length == 0) {
          problems.add("table: a figure needs its underlying table");
        } else if (in.table().length > MAX_ITEM_BYTES) {
          problems.add("table: larger than " + (MAX_ITEM_BYTES >> 20) + " MiB");
        }
      }
    }
    if (!problems.isEmpty()) {
      throw Refusals.invalid("export-item", problems);
    }
    boolean figure = type == ItemType.FIGURE;
    return new ExportItem(in.id(), type, in.name(), in.content(), kind, figure ? in.tableName() : null,
        figure ? in.table() : null, List.copyOf(new java.util.LinkedHashSet<>(queries)), null, null);
  }

  private ExportRequest find(String id) {
    return store.find(id).orElseThrow(() -> Refusals.notFound("export", id));
  }

  private Project project(ExportRequest r) {
    return registry.project(r.projectId()).orElseThrow(() -> Refusals.notFound("project", r.projectId()));
  }

  private static String target(ExportRequest r) {
    return "export/" + r.id();
  }
}
