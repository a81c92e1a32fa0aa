package jp.enclave.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jp.enclave.audit.AuditLog;
import jp.enclave.server.audit.TrailCheck.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zone trails written by audit-trail's own AuditLog (as the gateways and the data holder write
 * them), then attacked the ways a hash chain alone does not catch: truncated, rebuilt with a valid
 * chain, edited, removed, each checked against heads witnessed earlier.
 */
class TrailCheckTest {
  @TempDir
  Path home;

  private ZoneTrails.Zone zone(String rel) {
    return new ZoneTrails.Zone(new ZoneTrails(home, rel).name(home.resolve(rel)), home.resolve(rel));
  }

  private static void write(Path file, int from, int to, String user) {
    try (AuditLog log = AuditLog.open(file, false)) {
      for (int i = from; i < to; i++) {
        log.append(i % 2 == 0 ? "query.accepted" : "query.refused",
            Map.of("user", user, "project", "p-dm", "session", "s-" + i, "sql", "SELECT " + i));
      }
    }
  }

  private static WitnessedHead witness(ZoneRead r, String at) {
    return new WitnessedHead(r.zone().name(), r.zone().file().toString(), r.hashes().size(), r.result().headHash(), 0,
        Instant.parse(at), "system");
  }

  @Test
  void anIntactGrowingTrailMatchesEveryWitnessedHead() {
    ZoneTrails.Zone z = zone("gateways/p-dm/audit.jsonl");
    assertThat(z.name()).isEqualTo("gateways/p-dm");
    write(z.file(), 0, 5, "u-1");
    assertThat(TrailCheck.check(ZoneRead.of(z), List.of()).verdict()).isEqualTo(Verdict.UNWITNESSED);
    List<WitnessedHead> heads = new ArrayList<>(List.of(witness(ZoneRead.of(z), "2026-06-01T00:00:00Z")));
    write(z.file(), 5, 9, "u-1");
    heads.add(witness(ZoneRead.of(z), "2026-06-01T01:00:00Z"));
    write(z.file(), 9, 12, "u-2");
    TrailCheck.ZoneVerification v = TrailCheck.check(ZoneRead.of(z), heads);
    assertThat(v.verdict()).isEqualTo(Verdict.INTACT);
    assertThat(v.entries()).isEqualTo(12);
    assertThat(v.heads()).extracting(TrailCheck.HeadCheck::verdict).containsOnly(Verdict.INTACT);
    assertThat(ZoneRead.of(z).entries()).extracting(TrailEntry::user).contains("u-1", "u-2");
    // An entry the gateway is writing right now (no newline yet) is not part of the trail yet.
    try {
      Files.writeString(z.file(), "{\"seq\":12,\"at\":\"2026", java.nio.file.StandardOpenOption.APPEND);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(TrailCheck.check(ZoneRead.of(z), heads).verdict()).isEqualTo(Verdict.INTACT);
    assertThat(ZoneRead.of(z).hashes()).hasSize(12);
    assertThat(ZoneRead.of(z).entries().get(1).project()).isEqualTo("p-dm");
  }

  @Test
  void aTruncatedTrailIsValidAsAChainButShorterThanItsWitnessedHead() throws Exception {
    ZoneTrails.Zone z = zone("holder/audit.jsonl");
    write(z.file(), 0, 6, "steward");
    WitnessedHead earlier = witness(ZoneRead.of(z), "2026-05-31T00:00:00Z");
    write(z.file(), 6, 8, "steward");
    WitnessedHead h = witness(ZoneRead.of(z), "2026-06-01T00:00:00Z");
    List<String> lines = Files.readAllLines(z.file());
    Files.write(z.file(), lines.subList(0, 5));
    ZoneRead now = ZoneRead.of(z);
    assertThat(now.result().ok()).as("the chain alone holds").isTrue();
    TrailCheck.ZoneVerification v = TrailCheck.check(now, List.of(earlier, h));
    assertThat(v.verdict()).isEqualTo(Verdict.TRUNCATED);
    assertThat(v.brokenAt()).isEqualTo(5);
    assertThat(v.problem()).contains("the trail has 5 entries; 8 were witnessed");
  }

  @Test
  void aTrailRebuiltWithAValidButDifferentChainDivergesWhereTheHeadsSay() throws Exception {
    ZoneTrails.Zone z = zone("gateway/audit.jsonl");
    write(z.file(), 0, 4, "u-1");
    WitnessedHead first = witness(ZoneRead.of(z), "2026-06-01T00:00:00Z");
    write(z.file(), 4, 8, "u-1");
    WitnessedHead second = witness(ZoneRead.of(z), "2026-06-01T01:00:00Z");
    // Rebuild: keep the first 4 entries, rewrite entries 4.. with another user, re-chained validly.
    List<String> keep = Files.readAllLines(z.file()).subList(0, 4);
    Files.write(z.file(), keep);
    write(z.file(), 4, 9, "someone-else");
    ZoneRead now = ZoneRead.of(z);
    assertThat(now.result().ok()).isTrue();
    TrailCheck.ZoneVerification v = TrailCheck.check(now, List.of(first, second));
    assertThat(v.verdict()).isEqualTo(Verdict.DIVERGED);
    assertThat(v.brokenAt()).isEqualTo(4);
    assertThat(v.problem()).contains("diverges between entry 4 and entry 7");
    assertThat(v.heads()).extracting(TrailCheck.HeadCheck::verdict).containsExactly(Verdict.INTACT, Verdict.DIVERGED);
  }

  @Test
  void anEditedEntryBreaksTheChainAndAMissingFileIsReported() throws Exception {
    ZoneTrails.Zone z = zone("gateway/audit.jsonl");
    write(z.file(), 0, 6, "u-1");
    WitnessedHead h = witness(ZoneRead.of(z), "2026-06-01T00:00:00Z");
    String text = Files.readString(z.file(), StandardCharsets.UTF_8).replace("SELECT 2", "SELECT 3");
    Files.writeString(z.file(), text);
    TrailCheck.ZoneVerification v = TrailCheck.check(ZoneRead.of(z), List.of(h));
    assertThat(v.verdict()).isEqualTo(Verdict.BROKEN_CHAIN);
    assertThat(v.brokenAt()).isEqualTo(2);
    assertThat(v.problem()).contains("entry changed");
    assertThat(ZoneRead.of(z).entries()).as("nothing after the break is trusted").hasSize(2);

    Files.delete(z.file());
    assertThat(TrailCheck.check(ZoneRead.of(z), List.of(h)).verdict()).isEqualTo(Verdict.MISSING);
  }

  @Test
  void zonesAreFoundByConfiguredPathsAndGlobsUnderTheHome() {
    write(home.resolve("holder/audit.jsonl"), 0, 1, "s");
    write(home.resolve("gateways/p-a/audit.jsonl"), 0, 1, "u");
    write(home.resolve("gateways/p-b/audit.jsonl"), 0, 1, "u");
    write(home.resolve("audit/gateway-x.jsonl"), 0, 1, "u");
    assertThat(new ZoneTrails(home, ZoneTrails.DEFAULT).zones()).extracting(ZoneTrails.Zone::name)
        .containsExactly("audit/gateway-x", "gateways/p-a", "gateways/p-b", "holder");
    assertThat(new ZoneTrails(home, "holder/audit.jsonl").zones()).hasSize(1);
  }
}
