package jp.enclave.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AuditLogTest {
  @TempDir Path tmp;

  private Path trail(int n) {
    Path f = tmp.resolve("audit.jsonl");
    try (AuditLog log = AuditLog.open(f, true)) {
      for (int i = 0; i < n; i++) {
        log.append("query.accepted", Map.of("queryId", "q-" + i, "sql", "SELECT " + i + " -- 糖尿病", "rows", i));
      }
    }
    return f;
  }

  private static int cli(String... args) {
    PrintStream old = System.out;
    System.setOut(new PrintStream(new ByteArrayOutputStream()));
    try {
      return new CommandLine(new VerifyAuditCli()).execute(args);
    } finally {
      System.setOut(old);
    }
  }

  @Test
  void intactChainVerifiesAndResumesAcrossReopen() throws Exception {
    Path f = trail(5);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    AuditVerifier.Result r = AuditVerifier.verify(f);
    assertThat(r.ok()).isTrue();
    assertThat(r.entries()).isEqualTo(5);
    try (AuditLog log = AuditLog.open(f, false)) {
      assertThat(log.entries()).isEqualTo(5);
      log.append("gateway.closed", Map.of());
    }
    assertThat(AuditVerifier.verify(f).entries()).isEqualTo(6);
    assertThat(cli(f.toString())).isZero();
  }

  @Test
  void anInterruptedWriterDoesNotStopAuditingForOtherThreads() throws Exception {
    // A cancelled query's thread is interrupted; with an interruptible channel its next write
    // closed the trail for the whole process (ClosedByInterruptException, then ClosedChannelException).
    Path f = tmp.resolve("audit.jsonl");
    try (AuditLog log = AuditLog.open(f, true)) {
      Thread interrupted = new Thread(() -> {
        Thread.currentThread().interrupt();
        log.append("query.cancelled", Map.of("queryId", "q-1"));
        log.flushSoon();
      });
      interrupted.start();
      interrupted.join();
      log.append("query.accepted", Map.of("queryId", "q-2"));
    }
    AuditVerifier.Result r = AuditVerifier.verify(f);
    assertThat(r.ok()).isTrue();
    assertThat(r.entries()).isEqualTo(2);
  }

  @Test
  void aNewTrailsFolderIsTheOwnersOnly() throws Exception {
    Path f = tmp.resolve("zone/sub/audit.jsonl");
    try (AuditLog log = AuditLog.open(f, false)) {
      log.append("x", java.util.Map.of());
    }
    for (Path dir : java.util.List.of(f.getParent(), f.getParent().getParent())) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).as(dir.toString())
          .isEqualTo("rwx------");
    }
  }

  @Test
  void changedEntryIsDetected() throws Exception {
    Path f = trail(5);
    List<String> lines = Files.readAllLines(f);
    lines.set(2, lines.get(2).replace("\"rows\":2", "\"rows\":3"));
    Files.write(f, lines);
    AuditVerifier.Result r = AuditVerifier.verify(f);
    assertThat(r.ok()).isFalse();
    assertThat(r.brokenAt()).isEqualTo(2);
    assertThat(r.problem()).contains("changed");
    assertThat(cli(f.toString())).isEqualTo(1);
    assertThatThrownBy(() -> AuditLog.open(f, false)).hasMessageContaining("refusing to extend");
  }

  @Test
  void removedEntryIsDetected() throws Exception {
    Path f = trail(5);
    List<String> lines = new ArrayList<>(Files.readAllLines(f));
    lines.remove(1);
    Files.write(f, lines);
    assertThat(AuditVerifier.verify(f).brokenAt()).isEqualTo(1);
  }

  @Test
  void reorderedEntriesAreDetected() throws Exception {
    Path f = trail(5);
    List<String> lines = new ArrayList<>(Files.readAllLines(f));
    Collections.swap(lines, 1, 3);
    Files.write(f, lines);
    assertThat(AuditVerifier.verify(f).ok()).isFalse();
    assertThat(AuditVerifier.verify(f).brokenAt()).isEqualTo(1);
  }

  @Test
  void rewrittenChainIsCaughtByTheAnchoredHead() throws Exception {
    Path f = trail(5);
    String head = AuditVerifier.verify(f).headHash();
    List<String> lines = new ArrayList<>(Files.readAllLines(f));
    Files.write(f, lines.subList(0, 4));
    assertThat(AuditVerifier.verify(f).ok()).isTrue();
    assertThat(cli(f.toString(), "--expect-head", head)).isEqualTo(1);
  }

  @Test
  void writeAheadEntriesFromManyThreadsShareFlushesAndKeepTheChain() throws Exception {
    Path f = tmp.resolve("concurrent.jsonl");
    try (AuditLog log = AuditLog.open(f, true)) {
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int id = t;
        Thread th = new Thread(() -> {
          for (int i = 0; i < 50; i++) {
            long seq = log.write("query.accepted", Map.of("thread", id, "i", i));
            log.awaitDurable(seq);
            log.write("query.finished", Map.of("thread", id, "i", i));
            log.flushWithin(java.time.Duration.ofMillis(5));
          }
        });
        th.start();
        threads.add(th);
      }
      for (Thread t : threads) {
        t.join();
      }
      assertThat(log.entries()).isEqualTo(800);
    }
    AuditVerifier.Result r = AuditVerifier.verify(f);
    assertThat(r.ok()).isTrue();
    assertThat(r.entries()).isEqualTo(800);
    try (AuditLog reopened = AuditLog.open(f, true)) {
      long seq = reopened.write("gateway.opened", Map.of());
      assertThat(seq).isEqualTo(800);
      reopened.awaitDurable(seq);
    }
    assertThat(AuditVerifier.verify(f).entries()).isEqualTo(801);
  }

  @Test
  void afterTheFactEntriesReachTheDiskWithinTheirDelay() throws Exception {
    try (AuditLog log = AuditLog.open(tmp.resolve("later.jsonl"), true)) {
      long seq = log.write("query.finished", Map.of("rows", 1));
      assertThat(log.durableThrough()).isLessThan(seq);
      log.flushWithin(java.time.Duration.ofMillis(20));
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (log.durableThrough() < seq && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(log.durableThrough()).isEqualTo(seq);
      long next = log.write("query.accepted", Map.of("sql", "SELECT 1"));
      log.flushSoon();
      log.awaitDurable(next);
      assertThat(log.durableThrough()).isEqualTo(next);
    }
  }
}
