package jp.enclave.server.airlock;

import static jp.enclave.server.Fixtures.RESEARCHER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import jp.enclave.server.Fixtures;
import jp.enclave.server.access.Caller;
import jp.enclave.server.access.Refusal;
import org.junit.jupiter.api.Test;

/** The airlock's workflow and its refusals over in-memory stores: no server, no database. */
class AirlockServiceTest {
  static final Caller REV1 = new Caller("rev-1", "Reviewer One", Set.of("reviewer"));
  static final Caller REV2 = new Caller("rev-2", "Reviewer Two", Set.of("reviewer"));
  static final Caller REV3 = new Caller("rev-3", "Reviewer Three", Set.of("reviewer"));
  static final Caller OTHER = new Caller("researcher-2", "Other", Set.of("researcher"));
  static final byte[] TABLE = "sex,persons\nF,120\nM,3\n".getBytes(StandardCharsets.UTF_8);
  static final byte[] SAFE = "sex,persons\nF,*\nM,*\n".getBytes(StandardCharsets.UTF_8);

  final Fixtures f = new Fixtures().eligible();
  final InMemoryAirlock store = new InMemoryAirlock();
  final AirlockService airlock = f.airlock(store);

  private String draft() {
    String id = airlock.create(RESEARCHER, "p-dm", "Diabetes by sex").request().id();
    airlock.addItem(RESEARCHER, id, null, new AirlockService.ItemInput("t1", "table", "by_sex.csv", TABLE, null, null,
        null, List.of("q-17")));
    airlock.addItem(RESEARCHER, id, null, new AirlockService.ItemInput("c1", "code", "analysis.sql",
        "select 1".getBytes(StandardCharsets.UTF_8), null, null, null, List.of()));
    return id;
  }

  private String checked(Verdict t1) {
    String id = draft();
    airlock.submit(RESEARCHER, id, null);
    airlock.startCheck(id);
    Map<String, Verdict> v = new LinkedHashMap<>();
    v.put("t1", t1);
    v.put("c1", Verdict.PASS);
    airlock.finishCheck(id, new CheckOutcome(v, t1 == Verdict.PASS ? Map.of() : Map.of("t1", SAFE),
        "<html>report</html>", "{}"));
    return id;
  }

  private ExportState state(String id) {
    return store.rows.get(id).state();
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
  void anEndedProjectTakesNoNewRequestNoEditAndNoSubmissionAndEachRefusalIsAudited() {
    String id = draft();
    long version = store.rows.get(id).version();
    AirlockService ended = new AirlockService(store, f.registryStore, f.access, f.audit, f.clock,
        p -> "p-dm".equals(p) ? Optional.of("closed by steward") : Optional.empty());
    int audited = f.audit.entries.size();
    assertThat(refusal(() -> ended.create(RESEARCHER, "p-dm", "after the end")).code()).isEqualTo("project-ended");
    assertThat(refusal(() -> ended.addItem(RESEARCHER, id, null, new AirlockService.ItemInput("t2", "table", "x.csv",
        TABLE, null, null, null, List.of("q-18")))).code()).isEqualTo("project-ended");
    assertThat(refusal(() -> ended.submit(RESEARCHER, id, null)).code()).isEqualTo("project-ended");
    assertThat(store.rows).hasSize(1);
    assertThat(store.rows.get(id).version()).isEqualTo(version);
    assertThat(store.jobs).isEmpty();
    assertThat(f.audit.events().subList(audited, f.audit.entries.size()))
        .containsExactly("access.denied", "access.denied", "access.denied");
  }

  @Test
  void aCleanRequestNeedsOneApprovalAndOnlyItsAuthorDownloadsTheRelease() throws Exception {
    String id = draft();
    assertThat(airlock.submit(RESEARCHER, id, null).request().check().stage()).isEqualTo("queued");
    assertThat(store.jobs).containsExactly(id);
    airlock.startCheck(id);
    assertThat(store.rows.get(id).check().stage()).isEqualTo("running");
    airlock.finishCheck(id, new CheckOutcome(Map.of("t1", Verdict.PASS, "c1", Verdict.PASS), Map.of(), "<html/>", "{}"));
    assertThat(state(id)).isEqualTo(ExportState.CHECKED);
    assertThat(airlock.get(REV1, id).requiredApprovals()).isEqualTo(1);

    AirlockService.View v = airlock.vote(REV1, id, true, "aggregates only", Set.of());
    assertThat(v.request().state()).isEqualTo(ExportState.RELEASED);
    Release rel = v.release();
    AirlockService.Download d = airlock.download(RESEARCHER, id);
    assertThat(Packager.sha256(d.zip())).isEqualTo(rel.packageSha256());
    Map<String, byte[]> files = unzip(d.zip());
    assertThat(files).containsKeys("manifest.json", "t1/by_sex.csv", "c1/analysis.sql");
    assertThat(files.get("t1/by_sex.csv")).isEqualTo(TABLE);
    assertThat(rel.files()).filteredOn(fl -> fl.name().equals("t1/by_sex.csv")).singleElement()
        .satisfies(fl -> assertThat(fl.sha256()).isEqualTo(Packager.sha256(TABLE)));
    assertThat(new String(files.get("manifest.json"), StandardCharsets.UTF_8)).contains(Packager.sha256(TABLE));
    assertThat(store.releasedTables("p-dm")).extracting(AirlockStore.ReleasedTable::name).containsExactly(rel.id() + "_t1");
    assertThat(f.audit.events()).containsSubsequence("export.created", "export.edited", "export.edited",
        "export.submitted", "export.check-started", "export.checked", "export.voted", "export.approved",
        "export.released", "export.downloaded");
  }

  /** Reviewers read the checker's report in the portal's language; a check without a Japanese report shows English. */
  @Test
  void theReportIsGivenInTheAskedLanguageAndEnglishWhenThereIsNoJapaneseOne() {
    String id = draft();
    airlock.submit(RESEARCHER, id, null);
    airlock.startCheck(id);
    airlock.finishCheck(id, new CheckOutcome(Map.of("t1", Verdict.PASS, "c1", Verdict.PASS), Map.of(),
        "<html lang=\"en\">report</html>", "<html lang=\"ja\">報告書</html>", "{}"));
    assertThat(airlock.report(REV1, id, "ja")).contains("報告書");
    assertThat(airlock.report(REV1, id, "en")).contains("report");
    assertThat(airlock.report(REV1, id)).contains("report");
    String older = checked(Verdict.PASS);
    assertThat(airlock.report(REV1, older, "ja")).isEqualTo("<html>report</html>");
    assertThat(refusal(() -> airlock.report(OTHER, id, "ja")).code()).isEqualTo("export-not-found");
  }

  @Test
  void aFlaggedItemNeedsTwoApprovalsASplitGoesToAThirdWhoAppliesTheSafeVersion() throws Exception {
    String id = checked(Verdict.FAIL);
    assertThat(airlock.get(REV1, id).requiredApprovals()).isEqualTo(2);
    airlock.vote(REV1, id, true, "apply the suggested suppression", Set.of("t1"));
    assertThat(state(id)).isEqualTo(ExportState.IN_REVIEW);
    // independent: the second reviewer does not see the first vote until they voted
    assertThat(airlock.get(REV2, id).request().votes()).isEmpty();
    assertThat(airlock.get(RESEARCHER, id).request().votes()).isEmpty();
    airlock.vote(REV2, id, false, "M is too small even suppressed", Set.of());
    assertThat(state(id)).isEqualTo(ExportState.IN_REVIEW);
    assertThat(airlock.get(REV2, id).request().votes()).hasSize(2);
    assertThat(airlock.get(REV3, id).request().votes()).isEmpty();
    AirlockService.View v = airlock.vote(REV3, id, true, "safe version is fine", Set.of("t1"));
    assertThat(v.request().state()).isEqualTo(ExportState.RELEASED);
    Map<String, byte[]> files = unzip(airlock.download(RESEARCHER, id).zip());
    assertThat(files).containsKey("t1/by_sex_safe.csv").doesNotContainKey("t1/by_sex.csv");
    assertThat(files.get("t1/by_sex_safe.csv")).isEqualTo(SAFE);
    assertThat(store.releasedTables("p-dm")).singleElement().satisfies(t -> assertThat(t.content()).isEqualTo(SAFE));
    assertThat(airlock.get(RESEARCHER, id).request().votes()).hasSize(3);
  }

  @Test
  void twoRejectionsReject() {
    String id = checked(Verdict.REVIEW);
    airlock.vote(REV1, id, false, "no", Set.of());
    airlock.vote(REV2, id, false, "no", Set.of());
    assertThat(state(id)).isEqualTo(ExportState.REJECTED);
    assertThat(store.releases).isEmpty();
    assertThat(refusal(() -> airlock.download(RESEARCHER, id)).code()).isEqualTo("export-transition-invalid");
  }

  @Test
  void attacksAreRefusedAuditedAndChangeNothing() {
    String id = checked(Verdict.FAIL);
    Caller authorAsReviewer = new Caller(RESEARCHER.subject(), "Researcher", Set.of("researcher", "reviewer"));
    long v0 = store.rows.get(id).version();
    int audited = f.audit.entries.size();

    assertThat(refusal(() -> airlock.vote(authorAsReviewer, id, true, "mine", Set.of())).code()).isEqualTo("author-never-reviews");
    assertThat(refusal(() -> airlock.vote(OTHER, id, true, "not a reviewer", Set.of())).code()).isEqualTo("not-permitted");
    assertThat(refusal(() -> airlock.submit(RESEARCHER, id, null)).code()).isEqualTo("export-transition-invalid");
    assertThat(refusal(() -> airlock.download(RESEARCHER, id)).code()).isEqualTo("export-transition-invalid");
    assertThat(refusal(() -> airlock.vote(REV1, id, true, "", Set.of("t9"))).code()).isEqualTo("invalid-vote");
    assertThat(refusal(() -> airlock.vote(REV1, id, false, "x", Set.of("t1"))).details())
        .anyMatch(e -> e.contains("only when approving"));
    assertThat(refusal(() -> airlock.vote(REV1, id, true, "x", Set.of("c1"))).details())
        .anyMatch(e -> e.contains("no safe version"));
    assertThat(store.rows.get(id).version()).isEqualTo(v0);
    assertThat(f.audit.entries.subList(audited, f.audit.entries.size())).extracting(e -> e.event())
        .containsExactly("access.denied", "access.denied", "export.refused", "export.refused", "export.refused",
            "export.refused", "export.refused");

    airlock.vote(REV1, id, true, "ok", Set.of("t1"));
    assertThat(refusal(() -> airlock.vote(REV1, id, true, "again", Set.of())).code()).isEqualTo("already-voted");
    airlock.vote(REV2, id, true, "ok", Set.of());
    assertThat(state(id)).isEqualTo(ExportState.RELEASED);
    assertThat(refusal(() -> airlock.vote(REV3, id, false, "too late", Set.of())).code()).isEqualTo("export-transition-invalid");
    assertThat(refusal(() -> airlock.download(OTHER, id)).code()).isEqualTo("not-permitted");
    assertThat(refusal(() -> airlock.download(REV1, id)).code()).isEqualTo("not-permitted");
    assertThat(refusal(() -> airlock.revoke(authorAsReviewer, id, "mine")).code()).isEqualTo("author-never-reviews");
    assertThat(state(id)).isEqualTo(ExportState.RELEASED);
    assertThat(refusal(() -> airlock.get(OTHER, id)).code()).isEqualTo("export-not-found");

    airlock.revoke(REV2, id, "a later release makes this one disclosive");
    assertThat(state(id)).isEqualTo(ExportState.REVOKED);
    assertThat(refusal(() -> airlock.download(RESEARCHER, id)).code()).isEqualTo("export-transition-invalid");
  }

  /** Tried from outside: reads of another's request by id were refused but left no trace. */
  @Test
  void readsOfAnotherOnesRequestAnswerAsForAGuessedIdAndAreAudited() {
    String id = checked(Verdict.PASS);
    String guessed = "00000000-0000-4000-8000-000000000000";
    int audited = f.audit.entries.size();
    for (String target : List.of(id, guessed)) {
      assertThat(refusal(() -> airlock.get(OTHER, target)).code()).isEqualTo("export-not-found");
      assertThat(refusal(() -> airlock.report(OTHER, target)).code()).isEqualTo("export-not-found");
      assertThat(refusal(() -> airlock.itemContent(OTHER, target, "t1", false)).code()).isEqualTo("export-not-found");
    }
    String longId = "x".repeat(100_000);
    Refusal r = refusal(() -> airlock.get(OTHER, longId));
    assertThat(r.getMessage()).hasSizeLessThan(200);
    var denials = f.audit.entries.subList(audited, f.audit.entries.size());
    assertThat(denials).hasSize(7).allSatisfy(e -> {
      assertThat(e.event()).isEqualTo("access.denied");
      assertThat(e.actor()).isEqualTo(OTHER.subject());
    });
    assertThat(denials.get(0).detail()).contains("\"exists\":true", "read the export request");
    assertThat(denials.get(3).detail()).contains("\"exists\":false");
    assertThat(denials.get(6).target()).hasSizeLessThan(80);
  }

  @Test
  void onlyTheServerMovesTheCheckAndOnlyThePartyOfTheRowActs() {
    String id = draft();
    ExportRequest r = store.rows.get(id);
    assertThat(AirlockService.partyOf(Caller.SYSTEM, r)).isEqualTo(ExportTransitions.Party.SYSTEM);
    assertThat(AirlockService.partyOf(RESEARCHER, r)).isEqualTo(ExportTransitions.Party.AUTHOR);
    assertThat(AirlockService.partyOf(new Caller(RESEARCHER.subject(), "x", Set.of("reviewer")), r))
        .isEqualTo(ExportTransitions.Party.AUTHOR);
    assertThat(AirlockService.partyOf(REV1, r)).isEqualTo(ExportTransitions.Party.REVIEWER);
    assertThat(AirlockService.partyOf(OTHER, r)).isNull();
    assertThat(refusal(() -> airlock.startCheck(id)).code()).isEqualTo("export-transition-invalid");
    assertThat(refusal(() -> airlock.vote(REV1, id, true, "draft", Set.of())).code()).isEqualTo("export-transition-invalid");
    assertThat(refusal(() -> airlock.get(REV1, id)).code()).isEqualTo("export-not-found");
  }

  @Test
  void aFailedCheckIsRetriedAndARestartedCheckRunsOnce() {
    String id = draft();
    airlock.submit(RESEARCHER, id, null);
    airlock.startCheck(id);
    airlock.startCheck(id); // the job resumed after a crash: still one attempt
    assertThat(store.rows.get(id).check().attempts()).isEqualTo(1);
    airlock.failCheck(id, "checker exited with 3: error: REQUEST_INVALID");
    assertThat(state(id)).isEqualTo(ExportState.CHECK_FAILED);
    assertThat(store.rows.get(id).check().error()).contains("REQUEST_INVALID");
    assertThat(refusal(() -> airlock.retryCheck(OTHER, id)).code()).isEqualTo("not-permitted");
    airlock.retryCheck(RESEARCHER, id);
    assertThat(state(id)).isEqualTo(ExportState.SUBMITTED);
    assertThat(store.jobs).containsExactly(id, id);
    airlock.startCheck(id);
    assertThat(store.rows.get(id).check().attempts()).isEqualTo(2);
    // a verdict missing for an item fails the check rather than passing it
    airlock.finishCheck(id, new CheckOutcome(Map.of("t1", Verdict.PASS), Map.of(), "", "{}"));
    assertThat(state(id)).isEqualTo(ExportState.CHECK_FAILED);
  }

  @Test
  void badItemsAreRefusedWithEveryProblemNamedAndStaleEditsToo() {
    String id = airlock.create(RESEARCHER, "p-dm", "t").request().id();
    Refusal r = refusal(() -> airlock.addItem(RESEARCHER, id, null, new AirlockService.ItemInput("T 1", "figure",
        "../etc/passwd", new byte[0], "odd", null, null, List.of("bad id;"))));
    assertThat(r.code()).isEqualTo("invalid-export-item");
    assertThat(r.details()).hasSize(7);
    assertThat(refusal(() -> airlock.addItem(RESEARCHER, id, null, new AirlockService.ItemInput("t1", "table", "a.csv",
        TABLE, null, null, null, List.of()))).details()).containsExactly("queries: a table must cite the gateway queries it came from");
    assertThat(refusal(() -> airlock.submit(RESEARCHER, id, null)).code()).isEqualTo("invalid-export");
    assertThat(refusal(() -> airlock.addItem(RESEARCHER, id, 7L, new AirlockService.ItemInput("t1", "table", "a.csv",
        TABLE, null, null, null, List.of("q1")))).code()).isEqualTo("stale-edit");
    assertThat(refusal(() -> airlock.addItem(OTHER, id, null, new AirlockService.ItemInput("t1", "table", "a.csv",
        TABLE, null, null, null, List.of("q1")))).code()).isEqualTo("not-permitted");
    assertThat(refusal(() -> airlock.create(OTHER, "p-dm", "not mine")).code()).isEqualTo("not-permitted");
    assertThat(store.rows.get(id).items()).isEmpty();
  }

  static Map<String, byte[]> unzip(byte[] zip) throws Exception {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        out.put(e.getName(), in.readAllBytes());
      }
    }
    return out;
  }
}
