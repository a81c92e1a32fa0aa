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
}
