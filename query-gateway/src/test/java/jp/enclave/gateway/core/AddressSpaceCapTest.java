package jp.enclave.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.Duration;
import jp.enclave.audit.AuditLog;
import jp.enclave.gateway.TestHome;
import jp.enclave.gateway.core.GatewaySession.SessionKind;
import jp.enclave.gateway.worker.MemoryCap;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * The fallback memory cap (ulimit -v), for machines where the gateway cannot create a cgroup:
 * the worker starts under it, answers, and a query growing past it is refused while the gateway
 * keeps serving.
 */
class AddressSpaceCapTest {
  @Test
  void theWorkerRunsUnderTheAddressSpaceCapAndAMemoryBombIsRefused() throws Exception {
    System.setProperty(MemoryCap.FORCE_ENV, "address-space");
    try (Gateway g = Gateway.open(TestHome.get(), TestHome.PROJECT,
        TestHome.config().withMemoryLimit("256MB").withQueryTimeout(Duration.ofSeconds(5)),
        AuditLog.open(Files.createTempDirectory("ulimit").resolve("audit.jsonl"), false));
        RootAllocator allocator = new RootAllocator()) {
      GatewaySession s = TestHome.session("ulimit", TestHome.PROJECT, SessionKind.REMOTE);
      assertThat(g.workerForTests("ulimit").capDescription()).startsWith("address-space");
      assertThat(rows(g, s, allocator, "SELECT count(*) FROM patient")).isEqualTo(1);
      assertThatThrownBy(() -> rows(g, s, allocator, RunawayQueryTest.nestedReplace(7)))
          .isInstanceOf(GatewayRefusal.class);
      assertThat(rows(g, s, allocator, "SELECT count(*) FROM diagnosis")).isEqualTo(1);
    } finally {
      System.clearProperty(MemoryCap.FORCE_ENV);
    }
  }

  private static long rows(Gateway g, GatewaySession s, RootAllocator allocator, String sql) {
    long n = 0;
    try (RunningQuery q = g.execute(g.plan(s, sql), allocator)) {
      while (q.next()) {
        n += q.root().getRowCount();
      }
    }
    return n;
  }
}
