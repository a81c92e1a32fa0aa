package jp.enclave.server.reidentification;

import static jp.enclave.server.Fixtures.RESEARCHER;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import jp.enclave.server.Fixtures;
import jp.enclave.server.access.Caller;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.access.Refusals;
import jp.enclave.server.airlock.AirlockService;
import jp.enclave.server.airlock.CheckOutcome;
import jp.enclave.server.airlock.InMemoryAirlock;
import jp.enclave.server.airlock.Verdict;
import org.junit.jupiter.api.Test;

/** The re-identification workflow and its refusals over in-memory stores, against a released submission. */
class ReidServiceTest {
  static final Caller INSPECTOR = new Caller("inspector-1", "Inspector", Set.of("pmda-inspector"));
  static final Caller INSPECTOR_2 = new Caller("inspector-2", "Inspector 2", Set.of("pmda-inspector"));
  static final Caller OFFICER_1 = new Caller("officer-1", "Officer 1", Set.of("reid-officer"));
  static final Caller OFFICER_2 = new Caller("officer-2", "Officer 2", Set.of("reid-officer"));
  static final Caller REVIEWER = new Caller("rev-1", "Reviewer", Set.of("reviewer"));
  static final String Q1 = "Q00000000000000A1";
  static final String Q2 = "Q00000000000000B2";

  final Fixtures f = new Fixtures().eligible();
  final InMemoryAirlock airlockStore = new InMemoryAirlock();
  final AirlockService airlock = f.airlock(airlockStore);
  final Store store = new Store();
  final ReidService reid = new ReidService(store, airlockStore, f.registryStore, f.access, f.audit, f.clock);

  private String released() {
    String id = airlock.create(RESEARCHER, "p-dm", "Adverse events").request().id();
    airlock.addItem(RESEARCHER, id, null, new AirlockService.ItemInput("t1", "table", "events.csv",
        ("person_id,event\n" + Q1 + ",E1\n" + Q2 + ",E2\n").getBytes(StandardCharsets.UTF_8), null, null, null,
        List.of("q-1")));
    airlock.submit(RESEARCHER, id, null);
    airlock.startCheck(id);
    airlock.finishCheck(id, new CheckOutcome(Map.of("t1", Verdict.PASS), Map.of(), "", "{}"));
    airlock.vote(REVIEWER, id, true, "for the PMDA submission", Set.of());
    return id;
  }

  private Refusal refusal(Runnable r) {
    try {
      r.run();
    } catch (Refusal e) {
      return e;
    }
    throw new AssertionError("not refused");
  }

  @Test
  void twoDifferentOfficersApproveThenItRunsAndOnlyTheInspectorReadsTheResult() {
    String export = released();
    ReidRequest r = reid.file(INSPECTOR, export, List.of(Q1), "PMDA Act art. 69, GCP inspection 2026-014");
    assertThat(r.state()).isEqualTo(ReidState.FILED);
    assertThat(reid.approve(OFFICER_1, r.id()).state()).isEqualTo(ReidState.ONE_APPROVAL);
    assertThat(store.jobs).isEmpty();
    assertThat(refusal(() -> reid.approve(OFFICER_1, r.id())).code()).isEqualTo("same-officer");
    assertThat(store.rows.get(r.id()).state()).isEqualTo(ReidState.ONE_APPROVAL);
    assertThat(reid.approve(OFFICER_2, r.id()).state()).isEqualTo(ReidState.APPROVED);
    assertThat(store.jobs).containsExactly(r.id());
    assertThat(refusal(() -> reid.result(INSPECTOR, r.id())).code()).isEqualTo("reid-transition-invalid");

    reid.start(r.id());
    reid.start(r.id()); // resumed after a crash: not moved twice
    reid.finish(r.id(), "{\"sources\":{}}", 1, 0);
    assertThat(reid.result(INSPECTOR, r.id())).contains("sources");
    for (Caller other : List.of(INSPECTOR_2, OFFICER_1, REVIEWER, RESEARCHER)) {
      assertThat(refusal(() -> reid.result(other, r.id())).code()).as(other.subject()).isEqualTo("not-permitted");
    }
    assertThat(f.audit.events()).containsSubsequence("reid.filed", "reid.approved-once", "reid.refused", "reid.approved",
        "reid.started", "reid.completed", "reid.result-read", "access.denied");
    assertThat(f.audit.events().stream().filter(e -> e.equals("reid.started")).count()).isEqualTo(1);
  }

  @Test
  void pseudonymsOutsideTheSubmissionAndWrongRolesAreRefusedAndAudited() {
    String export = released();
    Refusal outside = refusal(() -> reid.file(INSPECTOR, export, List.of(Q1, "Q0000000000000FFF"), "PMDA Act art. 69"));
    assertThat(outside.code()).isEqualTo("pseudonyms-outside-submission");
    assertThat(outside.details()).containsExactly("Q0000000000000FFF");
    assertThat(store.rows).isEmpty();
    assertThat(f.audit.events()).contains("reid.refused");
    // a word of the manifest or a file name is not a pseudonym of the submission
    assertThat(refusal(() -> reid.file(INSPECTOR, export, List.of("manifest"), "PMDA Act art. 69")).code())
        .isEqualTo("pseudonyms-outside-submission");
    for (Caller notInspector : List.of(RESEARCHER, REVIEWER, OFFICER_1)) {
      assertThat(refusal(() -> reid.file(notInspector, export, List.of(Q1), "PMDA Act art. 69")).code())
          .isEqualTo("not-permitted");
    }
    assertThat(refusal(() -> reid.file(INSPECTOR, export, List.of(Q1), "short")).code()).isEqualTo("invalid-reidentification");
    String draft = airlock.create(RESEARCHER, "p-dm", "not released").request().id();
    assertThat(refusal(() -> reid.file(INSPECTOR, draft, List.of(Q1), "PMDA Act art. 69")).details())
        .anyMatch(d -> d.contains("not a released submission"));

    ReidRequest r = reid.file(INSPECTOR, export, List.of(Q1, Q2), "PMDA Act art. 69, GCP inspection");
    assertThat(refusal(() -> reid.approve(INSPECTOR, r.id())).code()).isEqualTo("filer-never-approves");
    assertThat(refusal(() -> reid.approve(REVIEWER, r.id())).code()).isEqualTo("not-permitted");
    Caller officerWhoFiled = new Caller(INSPECTOR.subject(), "x", Set.of("pmda-inspector", "reid-officer"));
    assertThat(refusal(() -> reid.approve(officerWhoFiled, r.id())).code()).isEqualTo("filer-never-approves");
    assertThat(store.rows.get(r.id()).approvers()).isEmpty();
    reid.approve(OFFICER_1, r.id());
    reid.reject(OFFICER_2, r.id(), "the legal basis does not cover Q2");
    assertThat(refusal(() -> reid.approve(OFFICER_2, r.id())).code()).isEqualTo("reid-transition-invalid");
    assertThat(store.jobs).isEmpty();
    assertThat(refusal(() -> reid.get(RESEARCHER, r.id())).code()).isEqualTo("reidentification-not-found");
  }

  @Test
  void inspectorsChooseFromReleasedSubmissionsOfProjectsThatHaveNotEnded() {
    String first = released();
    String second = released();
    airlock.create(RESEARCHER, "p-dm", "a draft is not a submission");
    List<ReidService.Submission> list = reid.submissions(INSPECTOR);
    assertThat(list).extracting(ReidService.Submission::exportId).containsExactlyInAnyOrder(first, second);
    ReidService.Submission s = list.get(0);
    assertThat(s.projectId()).isEqualTo("p-dm");
    assertThat(s.title()).isEqualTo("Adverse events");
    assertThat(s.projectTitle()).isNotBlank();
    assertThat(s.releaseId()).isEqualTo(airlockStore.releaseOf(s.exportId()).orElseThrow().id());
    assertThat(s.releasedAt()).isNotNull();
    assertThat(s.state()).isEqualTo("released");
    // What the list offers can be filed as it is.
    assertThat(reid.file(INSPECTOR, s.exportId(), List.of(Q1), "PMDA Act art. 69, GCP inspection").state())
        .isEqualTo(ReidState.FILED);

    // Anyone but an inspector is refused the list, and the denial is audited.
    for (Caller other : List.of(RESEARCHER, REVIEWER, OFFICER_1)) {
      int before = f.audit.events().size();
      Refusal r = refusal(() -> reid.submissions(other));
      assertThat(r.code()).as(other.subject()).isEqualTo("not-permitted");
      assertThat(f.audit.events().subList(before, f.audit.events().size())).as(other.subject()).containsExactly("access.denied");
    }

    // An ended project's submissions leave the list (a filing about them could never run).
    ReidService ended = new ReidService(store, airlockStore, f.registryStore, f.access, f.audit, f.clock,
        p -> "p-dm".equals(p) ? java.util.Optional.of("closed by steward") : java.util.Optional.empty());
    assertThat(ended.submissions(INSPECTOR)).isEmpty();
    // A typed ID keeps its errors: an unknown one is not found, a draft is not a released submission.
    assertThat(refusal(() -> reid.file(INSPECTOR, "no-such-export", List.of(Q1), "PMDA Act art. 69")).code())
        .isEqualTo("submission-not-found");
  }

  @Test
  void afterTheProjectEndsNothingCanBeFiledSinceItsPseudonymKeyIsDestroyed() {
    String export = released();
    ReidService ended = new ReidService(store, airlockStore, f.registryStore, f.access, f.audit, f.clock,
        p -> "p-dm".equals(p) ? java.util.Optional.of("closed by steward") : java.util.Optional.empty());
    Refusal r = refusal(() -> ended.file(INSPECTOR, export, List.of(Q1), "PMDA Act art. 69, GCP inspection"));
    assertThat(r.code()).isEqualTo("project-ended");
    assertThat(store.rows).isEmpty();
    assertThat(f.audit.events().get(f.audit.events().size() - 1)).isEqualTo("access.denied");
    // Roles are still asked first: a researcher learns nothing about the project's end.
    assertThat(refusal(() -> ended.file(RESEARCHER, export, List.of(Q1), "PMDA Act art. 69")).code())
        .isEqualTo("not-permitted");
  }

  @Test
  void aFailedRunIsRetriedByAnOfficer() {
    ReidRequest r = reid.file(INSPECTOR, released(), List.of(Q2), "PMDA Act art. 69, GCP inspection");
    reid.approve(OFFICER_1, r.id());
    reid.approve(OFFICER_2, r.id());
    reid.start(r.id());
    reid.fail(r.id(), "the holder refused: error: project has no pseudonym key");
    assertThat(store.rows.get(r.id()).error()).contains("no pseudonym key");
    assertThat(refusal(() -> reid.retry(INSPECTOR, r.id())).code()).isEqualTo("filer-never-approves");
    assertThat(refusal(() -> reid.retry(REVIEWER, r.id())).code()).isEqualTo("not-permitted");
    reid.retry(OFFICER_1, r.id());
    assertThat(store.rows.get(r.id()).state()).isEqualTo(ReidState.APPROVED);
    assertThat(store.jobs).hasSize(2);
  }

  static final class Store implements ReidStore {
    final Map<String, ReidRequest> rows = new LinkedHashMap<>();
    final List<String> jobs = new ArrayList<>();
    final Map<String, String> results = new LinkedHashMap<>();

    @Override public Optional<ReidRequest> find(String id) { return Optional.ofNullable(rows.get(id)); }
    @Override public List<ReidRequest> all() { return List.copyOf(rows.values()); }
    @Override public List<ReidRequest> ofInspector(String s) { return rows.values().stream().filter(r -> r.inspector().equals(s)).toList(); }
    @Override public void insert(ReidRequest r) { rows.put(r.id(), r); }

    @Override
    public void update(ReidRequest r) {
      ReidRequest cur = rows.get(r.id());
      if (cur.version() != r.version()) {
        throw Refusals.stale("reidentification", r.id(), r.version(), cur.version());
      }
      rows.put(r.id(), new ReidRequest(r.id(), r.projectId(), r.exportId(), r.releaseId(), r.inspector(), r.legalBasis(),
          r.pseudonyms(), r.state(), r.approvers(), r.error(), r.filedAt(), r.updatedAt(), r.version() + 1));
    }

    @Override public void enqueueRun(String id, Instant at) { jobs.add(id); }
    @Override public void saveResult(String id, String json) { results.put(id, json); }
    @Override public Optional<String> result(String id) { return Optional.ofNullable(results.get(id)); }
  }
}
