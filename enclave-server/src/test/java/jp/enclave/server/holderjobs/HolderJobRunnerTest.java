package jp.enclave.server.holderjobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The one runner without a server: order of kinds, unconfigured kinds, lease renewal, a failing kind. */
class HolderJobRunnerTest {
  static final List<String> LOG = new ArrayList<>();

  static final class Kind implements HolderJob<String> {
    final String name;
    final int order;
    final boolean available;
    final Deque<String> queue = new ArrayDeque<>();
    final AtomicInteger beats = new AtomicInteger();
    long runMillis;
    boolean failClaim;

    Kind(String name, int order, boolean available, String... jobs) {
      this.name = name;
      this.order = order;
      this.available = available;
      queue.addAll(List.of(jobs));
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int order() {
      return order;
    }

    @Override
    public Optional<String> unavailable() {
      return available ? Optional.empty() : Optional.of("not configured");
    }

    @Override
    public Duration lease() {
      return Duration.ofSeconds(3);
    }

    @Override
    public Optional<String> claim(String worker) {
      if (failClaim) {
        throw new IllegalStateException("database down");
      }
      return Optional.ofNullable(queue.poll());
    }

    @Override
    public boolean heartbeat(String claim, String worker) {
      beats.incrementAndGet();
      return true;
    }

    @Override
    public void run(String claim, String worker) throws InterruptedException {
      synchronized (LOG) {
        LOG.add(name + ":" + claim + ":" + worker.startsWith("server-"));
      }
      Thread.sleep(runMillis);
    }
  }

  @Test
  void runsEveryConfiguredKindInOrderOneJobAtATimeAndSkipsTheUnconfigured() {
    LOG.clear();
    Kind deletion = new Kind("deletion", 30, true, "d1");
    Kind check = new Kind("check", 10, true, "c1", "c2");
    Kind reid = new Kind("reid", 20, false, "r1");
    HolderJobRunner runner = new HolderJobRunner();
    runner.use(List.of(deletion, check, reid));
    runner.poll();
    assertThat(LOG).containsExactly("check:c1:true", "check:c2:true", "deletion:d1:true");
    assertThat(reid.queue).containsExactly("r1");
    runner.stop();
  }

  @Test
  void renewsTheLeaseWhileAJobRuns() {
    LOG.clear();
    Kind slow = new Kind("slow", 10, true, "s1");
    slow.runMillis = 2600;
    HolderJobRunner runner = new HolderJobRunner();
    runner.use(List.of(slow));
    runner.poll();
    assertThat(slow.beats.get()).as("a renewal every second of a 3 s lease").isGreaterThanOrEqualTo(2);
    runner.stop();
  }

  @Test
  void aKindThatFailsToClaimDoesNotStopTheOthers() {
    LOG.clear();
    Kind broken = new Kind("broken", 10, true, "b1");
    broken.failClaim = true;
    Kind next = new Kind("next", 20, true, "n1");
    HolderJobRunner runner = new HolderJobRunner();
    runner.use(List.of(broken, next));
    runner.poll();
    assertThat(LOG).containsExactly("next:n1:true");
    runner.stop();
  }
}
