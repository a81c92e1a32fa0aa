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
}
