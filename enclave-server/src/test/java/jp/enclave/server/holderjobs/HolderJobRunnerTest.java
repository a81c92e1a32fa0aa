package jp.enclave.server.holderjobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one runner without a server, on a plain scheduled pool in place of the managed executor:
 * unconfigured kinds, lease renewal, a failing kind, kinds side by side, the bound on workers.
 */
class HolderJobRunnerTest {
  static final List<String> LOG = new CopyOnWriteArrayList<>();

  static final class Kind implements HolderJob<String> {
    final String name;
    final boolean available;
    final Deque<String> queue = new ConcurrentLinkedDeque<>();
    final AtomicInteger beats = new AtomicInteger();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();
    final Set<String> done = ConcurrentHashMap.newKeySet();
    volatile long runMillis;
    volatile boolean failClaim;

    Kind(String name, boolean available, String... jobs) {
      this.name = name;
      this.available = available;
      queue.addAll(List.of(jobs));
    }

    @Override
    public String name() {
      return name;
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
      mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        LOG.add(name + ":" + claim + ":" + worker.startsWith("server-"));
        Thread.sleep(runMillis);
        done.add(claim);
      } finally {
        running.decrementAndGet();
      }
    }
  }

  private ScheduledExecutorService pool;
  private HolderJobRunner runner;

  @BeforeEach
  void pool() {
    LOG.clear();
    pool = new ScheduledThreadPoolExecutor(HolderJobRunner.THREADS);
    runner = new HolderJobRunner();
  }

  @AfterEach
  void stop() throws InterruptedException {
    runner.stop();
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void runsEveryConfiguredKindsJobsAndLeavesTheUnconfiguredQueued() throws Exception {
    Kind deletion = new Kind("deletion", true, "d1");
    Kind check = new Kind("check", true, "c1", "c2");
    Kind reid = new Kind("reid", false, "r1");
    runner.start(pool, List.of(deletion, check, reid), 3);
    await(() -> check.done.size() == 2 && deletion.done.size() == 1, 10);
    assertThat(LOG).containsExactlyInAnyOrder("check:c1:true", "check:c2:true", "deletion:d1:true");
    assertThat(LOG.indexOf("check:c1:true")).as("a kind's jobs in queue order").isLessThan(LOG.indexOf("check:c2:true"));
    Thread.sleep(2 * HolderJobRunner.TICK_MILLIS);
    assertThat(reid.queue).containsExactly("r1");
    assertThat(reid.done).isEmpty();
  }

  @Test
  void renewsTheLeaseWhileAJobRuns() throws Exception {
    Kind slow = new Kind("slow", true, "s1");
    slow.runMillis = 2600;
    runner.start(pool, List.of(slow), 3);
    await(() -> slow.done.contains("s1"), 15);
    assertThat(slow.beats.get()).as("a renewal every second of a 3 s lease").isGreaterThanOrEqualTo(2);
  }

  @Test
  void aKindThatFailsToClaimDoesNotStopTheOthersNorItsOwnLaterRounds() throws Exception {
    Kind broken = new Kind("broken", true, "b1");
    broken.failClaim = true;
    Kind next = new Kind("next", true, "n1");
    runner.start(pool, List.of(broken, next), 3);
    await(() -> next.done.contains("n1"), 10);
    Thread.sleep(HolderJobRunner.TICK_MILLIS);
    broken.failClaim = false; // the database is back
    await(() -> broken.done.contains("b1"), 10);
  }

  @Test
  void aLongJobOfOneKindDoesNotHoldUpAnotherKind() throws Exception {
    Kind check = new Kind("check", true, "c1", "c2");
    check.runMillis = 8000;
    Kind reid = new Kind("reid", true, "r1", "r2");
    runner.start(pool, List.of(check, reid), 3);
    await(() -> reid.done.size() == 2, 10);
    assertThat(check.running.get()).as("the first check still runs").isEqualTo(1);
    assertThat(check.done).isEmpty();
    assertThat(check.mostAtOnce.get()).as("one job of a kind at a time").isEqualTo(1);
  }

  @Test
  void atMostTheConfiguredNumberOfWorkersRunAtOnce() throws Exception {
    Kind a = new Kind("a", true, "a1");
    Kind b = new Kind("b", true, "b1");
    a.runMillis = 3000;
    b.runMillis = 3000;
    runner.start(pool, List.of(a, b), 1);
    await(() -> a.running.get() + b.running.get() == 1, 10);
    Thread.sleep(2000);
    assertThat(a.running.get() + b.running.get()).as("one worker: the other kind waits").isEqualTo(1);
    await(() -> a.done.size() + b.done.size() == 2, 20);
  }

  @Test
  void refusesFewerThanOneWorker() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> runner.start(pool, List.of(), 0))
        .hasMessageContaining("enclave.holder.workers");
  }

  private static void await(BooleanSupplier condition, int seconds) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited " + seconds + " s; ran: " + LOG).isLessThan(until);
      Thread.sleep(20);
    }
  }
}
