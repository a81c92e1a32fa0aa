package jp.enclave.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.crypto.tink.KeysetHandle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import jp.enclave.audit.AuditLog;
import jp.enclave.audit.AuditVerifier;
import jp.enclave.gateway.core.Gateway;
import jp.enclave.gateway.core.GatewayConfig;
import jp.enclave.gateway.token.SessionTokens;
import org.apache.arrow.memory.RootAllocator;

/**
 * What every front end's test fixture holds: one project's gateway over the pseudonymizer's test
 * extract, its audit trail in a fresh folder (read back by the tests, verified on close), a key
 * that signs session tokens, and an allocator. Front ends add their server and clients and close
 * them before {@link #close()}; core tests use it as it is.
 */
public class GatewayFixture implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  public final RootAllocator allocator = new RootAllocator();
  public final Path dir;
  public final Path auditFile;
  public final Gateway gateway;
  public final KeysetHandle signing = SessionTokens.newSigningKeyset();
  private final Duration auditWait;
  private boolean closed;

  /** {@code auditWait}: how long {@link #awaitAudit} waits (a first query starts a worker). */
  public GatewayFixture(String prefix, String project, GatewayConfig config, Duration auditWait) {
    try {
      dir = Files.createTempDirectory(prefix);
      auditFile = dir.resolve("audit.jsonl");
      gateway = Gateway.open(TestHome.get(), project, config, AuditLog.open(auditFile, false));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.auditWait = auditWait;
  }

  /** Every entry of the trail so far. */
  public List<JsonNode> audit() {
    List<JsonNode> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(auditFile)) {
        if (!line.isBlank()) {
          out.add(JSON.readTree(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The data of the entries of one event that satisfy {@code filter}. */
  public List<JsonNode> audit(String event, Predicate<JsonNode> filter) {
    return audit().stream().filter(e -> e.path("event").asText().equals(event))
        .map(e -> e.path("data")).filter(filter).toList();
  }

  /** Waits until the trail holds an entry of {@code event} matching {@code filter}. */
  public JsonNode awaitAudit(String event, Predicate<JsonNode> filter) throws InterruptedException {
    long deadline = System.nanoTime() + auditWait.toNanos();
    while (true) {
      List<JsonNode> found = audit(event, filter);
      if (!found.isEmpty()) {
        return found.get(0);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + event + " entry matching the filter in " + auditFile);
      }
      Thread.sleep(20);
    }
  }

  /** Each row's values as text, tab-joined, in result order (closes {@code rs}). */
  public static List<String> rows(ResultSet rs) throws SQLException {
    List<String> out = new ArrayList<>();
    try (rs) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int k = 1; k <= columns; k++) {
          b.append(rs.getString(k)).append('\t');
        }
        out.add(b.toString());
      }
    }
    return out;
  }

  /** One column's values as text, in result order (closes {@code rs}). */
  public static List<String> strings(ResultSet rs, String column) throws SQLException {
    List<String> out = new ArrayList<>();
    try (rs) {
      while (rs.next()) {
        out.add(rs.getString(column));
      }
    }
    return out;
  }

  /** Closes the gateway and its trail once, then verifies the trail's hash chain. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    gateway.close();
    gateway.audit().close();
    allocator.close();
    if (!AuditVerifier.verify(auditFile).ok()) {
      throw new AssertionError("the audit trail " + auditFile + " does not verify");
    }
  }
}
