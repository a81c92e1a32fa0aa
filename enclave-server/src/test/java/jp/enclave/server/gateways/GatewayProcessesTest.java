package jp.enclave.server.gateways;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The supervision rules without the server, on real child processes ({@code sleep}) and a clock
 * the test moves: start on demand, credential owner-only and checked by hash, crash noticed and
 * restarted on the same port after the backoff, stop a grace period after the last session.
 * GatewayLinkIT runs the same rules on Payara with real gateways.
 */
class GatewayProcessesTest {
  private final MutableClock clock = new MutableClock();
  private final List<Process> started = new ArrayList<>();
  private final List<Path> credentialFiles = new ArrayList<>();
  private final AtomicInteger ports = new AtomicInteger(40000);
  private GatewayProcesses processes;
  private Path dir;

  private GatewayProcesses processes(boolean failToStart) throws IOException {
    dir = Files.createTempDirectory("gw-proc");
    processes = new GatewayProcesses((project, port, credential) -> {
      if (failToStart) {
        throw new IOException("no such jar");
      }
      credentialFiles.add(credential);
      Process p = new ProcessBuilder("sleep", "120").start();
      started.add(p);
      return p;
    }, dir.resolve("server-link"), clock, Duration.ofSeconds(10), ports::incrementAndGet);
    return processes;
  }

  @AfterEach
  void stop() {
    if (processes != null) {
      processes.close();
    }
    started.forEach(Process::destroyForcibly);
  }

  @ParameterizedTest(name = "after {0} consecutive crashes wait {1} s")
  @CsvSource({"1, 1", "2, 2", "3, 4", "4, 8", "5, 16", "6, 32", "7, 60", "20, 60"})
  void backoffDoublesUpToAMinute(int crashes, long seconds) {
    assertThat(GatewayProcesses.backoff(crashes)).isEqualTo(Duration.ofSeconds(seconds));
  }

  @Test
  void theFirstSessionStartsTheGatewayOnceWithAnOwnerOnlyCredentialCheckedByHash() throws Exception {
    processes(false);
    int port = processes.ensure("p1");
    assertThat(processes.ensure("p1")).isEqualTo(port);
    assertThat(started).hasSize(1);
    Path file = credentialFiles.get(0);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
    String credential = Files.readString(file);
    assertThat(processes.verify("p1", credential)).isTrue();
    assertThat(processes.verify("p1", credential + "x")).isFalse();
    assertThat(processes.verify("p2", credential)).isFalse();
    assertThat(processes.verify("p1", null)).isFalse();
    assertThat(processes.drain()).extracting(GatewayProcesses.Event::event).containsExactly("gateway.started");
    assertThat(processes.views()).singleElement().satisfies(v -> assertThat(v.state()).isEqualTo(GatewayProcesses.State.STARTING));
  }

  @Test
  void aKilledGatewayIsNoticedAndRestartedOnTheSamePortAfterItsBackoffWithANewCredential() throws Exception {
    processes(false);
    int port = processes.ensure("p1");
    String first = Files.readString(credentialFiles.get(0));
    processes.drain();
    started.get(0).destroyForcibly();
    started.get(0).waitFor(5, TimeUnit.SECONDS);
    awaitState(GatewayProcesses.State.CRASHED);
    assertThat(processes.drain()).singleElement().satisfies(e -> {
      assertThat(e.event()).isEqualTo("gateway.crashed");
      assertThat(e.detail()).containsEntry("restartInSeconds", 1L);
    });
    processes.reconcile(Set.of("p1"));
    assertThat(started).hasSize(1); // the backoff has not passed on the test's clock
    clock.advance(Duration.ofSeconds(1));
    processes.reconcile(Set.of("p1"));
    assertThat(started).hasSize(2);
    assertThat(processes.drain()).singleElement().satisfies(e -> assertThat(e.event()).isEqualTo("gateway.restarted"));
    assertThat(processes.port("p1")).isEqualTo(port);
    assertThat(processes.verify("p1", first)).isFalse();
    assertThat(processes.verify("p1", Files.readString(credentialFiles.get(1)))).isTrue();
    // A second crash waits twice as long.
    started.get(1).destroyForcibly();
    started.get(1).waitFor(5, TimeUnit.SECONDS);
    awaitState(GatewayProcesses.State.CRASHED);
    assertThat(processes.drain()).singleElement().satisfies(e -> assertThat(e.detail()).containsEntry("restartInSeconds", 2L));
  }

  @Test
  void aGatewayThatCannotStartIsRetriedWithBackoffAndStoppedWhenNoLongerWanted() throws Exception {
    processes(true);
    processes.ensure("p1");
    assertThat(processes.drain()).singleElement().satisfies(e -> {
      assertThat(e.event()).isEqualTo("gateway.crashed");
      assertThat(String.valueOf(e.detail().get("reason"))).contains("no such jar");
    });
    assertThat(processes.awaitReady("p1", Duration.ofSeconds(5))).isFalse();
    processes.reconcile(Set.of());
    clock.advance(Duration.ofSeconds(11));
    processes.reconcile(Set.of());
    assertThat(processes.views()).isEmpty();
    assertThat(processes.drain()).extracting(GatewayProcesses.Event::event).containsExactly("gateway.stopped");
  }

  @Test
  void aGatewayListeningIsReadyAndStopsAGracePeriodAfterItsLastSession() throws Exception {
    dir = Files.createTempDirectory("gw-proc");
    try (ServerSocket listening = new ServerSocket(0)) {
      processes = new GatewayProcesses((project, port, credential) -> {
        Process p = new ProcessBuilder("sleep", "120").start();
        started.add(p);
        return p;
      }, dir.resolve("server-link"), clock, Duration.ofSeconds(10), listening::getLocalPort);
      processes.ensure("p1");
      assertThat(processes.awaitReady("p1", Duration.ofSeconds(5))).isTrue();
      assertThat(processes.running()).isEqualTo(1);
      processes.reconcile(Set.of("p1"));
      processes.reconcile(Set.of());
      clock.advance(Duration.ofSeconds(9));
      processes.reconcile(Set.of());
      assertThat(started.get(0).isAlive()).isTrue();
      clock.advance(Duration.ofSeconds(2));
      processes.reconcile(Set.of());
      assertThat(started.get(0).isAlive()).isFalse();
      assertThat(processes.running()).isZero();
      assertThat(processes.drain()).extracting(GatewayProcesses.Event::event)
          .containsExactly("gateway.started", "gateway.ready", "gateway.stopped");
    }
  }

  @Test
  void closingTheServerStopsEveryGateway() throws Exception {
    processes(false);
    processes.ensure("p1");
    processes.ensure("p2");
    processes.close();
    assertThat(started).allSatisfy(p -> assertThat(p.isAlive()).isFalse());
  }

  private void awaitState(GatewayProcesses.State state) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (processes.views().stream().noneMatch(v -> v.state() == state)) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-12-03T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
