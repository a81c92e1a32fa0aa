package jp.enclave.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jp.enclave.audit.AuditLog;
import jp.enclave.audit.AuditVerifier;
import jp.enclave.gateway.TestHome;
import org.junit.jupiter.api.Test;

/**
 * What a gateway that died without closing leaves, cleared by the next start: its trail is
 * completed (the crash recorded, each accepted query given an end) and its RAM scratch removed;
 * folders of a live gateway, or of no recorded owner, are never touched.
 */
class CrashRecoveryTest {
  private static List<JsonNode> entries(Path trail) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(trail)) {
      out.add(new ObjectMapper().readTree(line));
    }
    return out;
  }

  @Test
  void theNextGatewayRecordsTheCrashAndEndsEveryAcceptedQuery() throws Exception {
    Path trail = Files.createTempDirectory("crash").resolve("audit.jsonl");
    try (AuditLog log = AuditLog.open(trail, false)) {
      // What a killed gateway leaves: opened, two queries accepted, one finished, never closed.
      log.append("gateway.opened", Map.of("project", TestHome.PROJECT));
      log.append("query.accepted", Map.of("queryId", "q-1", "project", TestHome.PROJECT));
      log.append("query.accepted", Map.of("queryId", "q-2", "project", TestHome.PROJECT));
      log.append("query.finished", Map.of("queryId", "q-1", "outcome", "completed"));
    }
    AuditLog log = AuditLog.open(trail, false);
    Gateway.open(TestHome.get(), TestHome.PROJECT, TestHome.config(), log).close();
    log.close();
    assertThat(AuditVerifier.verify(trail).ok()).isTrue();
    List<JsonNode> e = entries(trail);
    JsonNode crash = e.stream().filter(n -> n.path("event").asText().equals("gateway.crashed")).findFirst().orElseThrow();
    assertThat(crash.path("data").path("unfinishedQueries").toString()).isEqualTo("[\"q-2\"]");
    assertThat(e).filteredOn(n -> n.path("event").asText().equals("query.finished")
        && n.path("data").path("queryId").asText().equals("q-2"))
        .singleElement().satisfies(n -> assertThat(n.path("data").path("outcome").asText()).isEqualTo("gateway_crashed"));
    // A clean close leaves nothing to recover: a second start records no new crash.
    AuditLog again = AuditLog.open(trail, false);
    Gateway.open(TestHome.get(), TestHome.PROJECT, TestHome.config(), again).close();
    again.close();
    assertThat(entries(trail)).filteredOn(n -> n.path("event").asText().equals("gateway.crashed")).hasSize(1);
  }

  @Test
  void onlyScratchWhoseRecordedOwnerIsGoneIsRemoved() throws Exception {
    Path base = Files.createTempDirectory("scratch-base");
    Path dead = Files.createDirectory(base.resolve(CrashRecovery.SCRATCH_PREFIX + "dead"));
    Files.writeString(dead.resolve("extract.duckdb"), "plaintext");
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.writeString(dead.resolve(CrashRecovery.OWNER_FILE), Long.toString(gone.pid()));
    Path live = Files.createDirectory(base.resolve(CrashRecovery.SCRATCH_PREFIX + "live"));
    CrashRecovery.claim(live);
    Path unmarked = Files.createDirectory(base.resolve(CrashRecovery.SCRATCH_PREFIX + "unmarked"));
    Path garbage = Files.createDirectory(base.resolve(CrashRecovery.SCRATCH_PREFIX + "garbage"));
    Files.writeString(garbage.resolve(CrashRecovery.OWNER_FILE), "not a pid");
    Path other = Files.createDirectory(base.resolve("enclave-pipeline-x"));
    Files.writeString(other.resolve(CrashRecovery.OWNER_FILE), Long.toString(gone.pid()));

    assertThat(CrashRecovery.sweepStaleScratch(base)).containsExactly(dead.getFileName().toString());
    assertThat(dead).doesNotExist();
    assertThat(live).exists();
    assertThat(unmarked).exists();
    assertThat(garbage).exists();
    assertThat(other).exists();
  }
}
