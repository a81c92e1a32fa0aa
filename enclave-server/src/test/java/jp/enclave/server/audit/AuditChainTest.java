package jp.enclave.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jp.enclave.server.Fixtures;
import org.junit.jupiter.api.Test;

/** The chain catches an edited entry, a removed one and a re-linked rewrite, naming the first bad entry. */
class AuditChainTest {

  private static List<AuditEntry> trail() {
    Fixtures.Trail t = new Fixtures.Trail();
    t.record("steward-1", "organisation.registered", "organisation/a", Map.of("name", "A"));
    t.record("steward-1", "project.registered", "project/p", Map.of("title", "P", "members", Map.of("u", "LEAD")));
    t.record("researcher-1", "session.opened", "session/s", Map.of("project", "p"));
    return new ArrayList<>(t.entries);
  }

  @Test
  void anIntactTrailVerifies() {
    AuditChain.Verification v = AuditChain.verify(trail());
    assertThat(v.valid()).isTrue();
    assertThat(v.entries()).isEqualTo(3);
    assertThat(v.head()).isEqualTo(trail().get(2).hash());
  }

  @Test
  void anEditedDetailIsCaught() {
    List<AuditEntry> t = trail();
    AuditEntry e = t.get(1);
    t.set(1, new AuditEntry(e.seq(), e.at(), e.actor(), e.event(), e.target(), "{\"title\":\"Q\"}", e.prevHash(), e.hash()));
    assertThat(AuditChain.verify(t)).extracting(AuditChain.Verification::firstBrokenSeq, AuditChain.Verification::problem)
        .containsExactly(2L, "content does not match its hash");
  }

  @Test
  void aRemovedEntryIsCaught() {
    List<AuditEntry> t = trail();
    t.remove(1);
    assertThat(AuditChain.verify(t).firstBrokenSeq()).isEqualTo(3L);
  }

  @Test
  void aChangedActorWithARecomputedHashBreaksTheNextLink() {
    List<AuditEntry> t = trail();
    AuditEntry e = t.get(0);
    t.set(0, AuditChain.link(1, AuditChain.GENESIS, e.at(), "someone-else", e.event(), e.target(), Map.of("name", "A")));
    AuditChain.Verification v = AuditChain.verify(t);
    assertThat(v.valid()).isFalse();
    assertThat(v.firstBrokenSeq()).isEqualTo(2L);
  }

  /** The server's earlier rule (no newline), as rows written before migration V23 were hashed. */
  private static AuditEntry legacy(long seq, String prev, String actor) throws Exception {
    java.time.Instant at = Fixtures.NOW;
    String detail = AuditChain.canonical(Map.of("n", seq));
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    sha.update(prev.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    sha.update(AuditChain.body(seq, at, actor, "x.done", "t", detail).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return new AuditEntry(seq, at, actor, "x.done", "t", detail, prev, java.util.HexFormat.of().formatHex(sha.digest()));
  }

  @Test
  void theChainUsesAuditTrailsRuleAndOlderRowsVerifyByTheEarlierRuleOnlyUpToTheMigration() throws Exception {
    AuditEntry e = trail().get(0);
    assertThat(e.hash()).isEqualTo(jp.enclave.audit.AuditLog.hash(AuditChain.GENESIS,
        AuditChain.body(e.seq(), e.at(), e.actor(), e.event(), e.target(), e.detail())));
    List<AuditEntry> t = new ArrayList<>();
    t.add(legacy(1, AuditChain.GENESIS, "a"));
    t.add(legacy(2, t.get(0).hash(), "b"));
    t.add(AuditChain.link(3, t.get(1).hash(), Fixtures.NOW, "c", "x.done", "t", Map.of("n", 3)));
    assertThat(AuditChain.verify(t, 2).valid()).isTrue();
    assertThat(AuditChain.verify(t, 0).firstBrokenSeq()).as("without the migration's mark").isEqualTo(1L);
    // An attacker cannot extend the earlier rule past the mark: a new row hashed the old way is caught.
    t.add(legacy(4, t.get(2).hash(), "d"));
    assertThat(AuditChain.verify(t, 2).firstBrokenSeq()).isEqualTo(4L);
  }
}
