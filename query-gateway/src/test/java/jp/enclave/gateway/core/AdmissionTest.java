package jp.enclave.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import jp.enclave.gateway.TestHome;
import jp.enclave.gateway.core.GatewaySession.SessionKind;
import org.junit.jupiter.api.Test;

/** Admission's caps and its turns between users, without a database. */
class AdmissionTest {
  private static GatewaySession session(String user, String id) {
    GatewaySession s = TestHome.session(user, TestHome.PROJECT, SessionKind.REMOTE);
    return new GatewaySession(id, s.subject(), s.kind(), s.expiresAt());
  }

  @Test
  void capsAreRefusedAtOnceAndSaySo() {
    Admission a = new Admission(8, 3, 2);
    a.enter(session("u", "s1"), Duration.ZERO);
    a.enter(session("u", "s1"), Duration.ZERO);
    assertThatThrownBy(() -> a.enter(session("u", "s1"), Duration.ZERO))
        .isInstanceOfSatisfying(GatewayRefusal.class, r -> assertThat(r.code()).isEqualTo("GW-SESSION-LIMIT"));
    a.enter(session("u", "s2"), Duration.ZERO);
    assertThatThrownBy(() -> a.enter(session("u", "s3"), Duration.ZERO))
        .isInstanceOfSatisfying(GatewayRefusal.class, r -> assertThat(r.code()).isEqualTo("GW-USER-LIMIT"));
    // A refused attempt takes nothing: another user still gets every free slot.
    for (int i = 0; i < 5; i++) {
      a.enter(session("v" + i, "t" + i), Duration.ZERO);
    }
    assertThat(a.running()).isEqualTo(8);
  }

  @Test
  void waitingQueriesAreAdmittedOneUserAtATime() throws Exception {
    Admission a = new Admission(1, 8, 8);
    Admission.Ticket holder = a.enter(session("busy", "b0"), Duration.ZERO);
    List<String> order = new CopyOnWriteArrayList<>();
    // Three queries of one user queue first, then one of another user.
    CountDownLatch queued = new CountDownLatch(4);
    List<Thread> threads = new java.util.ArrayList<>();
    String[][] waiters = {{"mallory", "m1"}, {"mallory", "m2"}, {"mallory", "m3"}, {"bob", "b1"}};
    for (String[] w : waiters) {
      Thread t = new Thread(() -> {
        queued.countDown();
        Admission.Ticket ticket = a.enter(session(w[0], w[1]), Duration.ofSeconds(10));
        order.add(w[0]);
        a.leave(ticket);
      });
      threads.add(t);
      t.start();
      Thread.sleep(100); // queue in this order
    }
    queued.await();
    a.leave(holder);
    for (Thread t : threads) {
      t.join(10_000);
    }
    // bob does not wait behind all of mallory's queries.
    assertThat(order).hasSize(4);
    assertThat(order.indexOf("bob")).isLessThanOrEqualTo(1);
  }

  @Test
  void aQueryThatWaitsTooLongIsRefusedAndLeavesNothingHeld() {
    Admission a = new Admission(1, 8, 8);
    a.enter(session("x", "x1"), Duration.ZERO);
    assertThatThrownBy(() -> a.enter(session("y", "y1"), Duration.ofMillis(100)))
        .isInstanceOfSatisfying(GatewayRefusal.class, r -> assertThat(r.code()).isEqualTo("GW-BUSY"));
    assertThat(a.running()).isEqualTo(1);
    // y's caps were given back: it may queue its full allowance again.
    assertThatThrownBy(() -> a.enter(session("y", "y1"), Duration.ofMillis(50))).hasMessageContaining("already runs");
  }
}
