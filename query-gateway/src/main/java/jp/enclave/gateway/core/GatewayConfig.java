package jp.enclave.gateway.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Immutable gateway settings; change one with {@code withX(...)}, which returns a checked copy.
 * Defaults are the safe ones: limits on, free text off.
 */
public final class GatewayConfig implements Cloneable {
  private int maxQueryChars = 100_000;
  private int maxNestingDepth = 64;
  private int maxNodes = 20_000;
  private Duration queryTimeout = Duration.ofMinutes(10);
  private String memoryLimit = "4GB";
  private int threads = 2;
  private int maxConcurrentQueries = 8;
  private int maxQueriesPerUser = 4;
  private int maxQueriesPerSession = 3;
  private int maxWorkers = 4;
  private int arrowBatchRows = 65_536;
  private Duration handleTtl = Duration.ofMinutes(5);
  private Duration workerGrace = Duration.ofSeconds(1);
  private boolean auditSync = true;
  private Instant projectApprovedUntil = Instant.EPOCH;
  private boolean freeTextOnsite = false;

  private GatewayConfig() {}

  /** Safe defaults; the project's approval end date must be set for queries to be allowed. */
  public static GatewayConfig defaults() {
    return new GatewayConfig();
  }

  private GatewayConfig copy() {
    try {
      return (GatewayConfig) clone();
    } catch (CloneNotSupportedException e) {
      throw new AssertionError(e);
    }
  }

  private GatewayConfig checked() {
    Objects.requireNonNull(queryTimeout);
    Objects.requireNonNull(memoryLimit);
    Objects.requireNonNull(handleTtl);
    Objects.requireNonNull(workerGrace);
    Objects.requireNonNull(projectApprovedUntil);
    if (maxQueryChars < 1 || maxNestingDepth < 1 || maxNodes < 1 || threads < 1 || maxConcurrentQueries < 1
        || maxQueriesPerUser < 1 || maxWorkers < 1 || maxQueriesPerSession < 1 || arrowBatchRows < 1
        || queryTimeout.isNegative() || queryTimeout.isZero() || workerGrace.isNegative()) {
      throw new IllegalArgumentException("gateway limits must be positive");
    }
    if (!memoryLimit.matches("[0-9]+(\\.[0-9]+)?\\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)")) {
      throw new IllegalArgumentException("memory limit must look like 4GB, not " + memoryLimit);
    }
    return this;
  }

  /** DuckDB's memory_limit in bytes. */
  public long memoryLimitBytes() {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9.]+)\\s*([KMGT])i?B").matcher(memoryLimit);
    m.matches();
    int shift = switch (m.group(2)) { case "K" -> 10; case "M" -> 20; case "G" -> 30; default -> 40; };
    return (long) (Double.parseDouble(m.group(1)) * (1L << shift));
  }

  public int maxQueryChars() { return maxQueryChars; }
  public int maxNestingDepth() { return maxNestingDepth; }
  public int maxNodes() { return maxNodes; }
  public Duration queryTimeout() { return queryTimeout; }
  public String memoryLimit() { return memoryLimit; }
  public int threads() { return threads; }
  public int maxConcurrentQueries() { return maxConcurrentQueries; }
  public int maxQueriesPerUser() { return maxQueriesPerUser; }
  public int maxQueriesPerSession() { return maxQueriesPerSession; }
  public int maxWorkers() { return maxWorkers; }
  public int arrowBatchRows() { return arrowBatchRows; }
  public Duration handleTtl() { return handleTtl; }
  public Duration workerGrace() { return workerGrace; }
  public boolean auditSync() { return auditSync; }
  public Instant projectApprovedUntil() { return projectApprovedUntil; }
  public boolean freeTextOnsite() { return freeTextOnsite; }

  public GatewayConfig withMaxQueryChars(int v) {
    GatewayConfig c = copy();
    c.maxQueryChars = v;
    return c.checked();
  }

  public GatewayConfig withMaxNestingDepth(int v) {
    GatewayConfig c = copy();
    c.maxNestingDepth = v;
    return c.checked();
  }

  public GatewayConfig withMaxNodes(int v) {
    GatewayConfig c = copy();
    c.maxNodes = v;
    return c.checked();
  }

  public GatewayConfig withQueryTimeout(Duration v) {
    GatewayConfig c = copy();
    c.queryTimeout = v;
    return c.checked();
  }

  public GatewayConfig withMemoryLimit(String v) {
    GatewayConfig c = copy();
    c.memoryLimit = v;
    return c.checked();
  }

  public GatewayConfig withThreads(int v) {
    GatewayConfig c = copy();
    c.threads = v;
    return c.checked();
  }

  public GatewayConfig withMaxConcurrentQueries(int v) {
    GatewayConfig c = copy();
    c.maxConcurrentQueries = v;
    return c.checked();
  }

  /** Queries one user may have running or waiting, over all their sessions. */
  public GatewayConfig withMaxQueriesPerUser(int v) {
    GatewayConfig c = copy();
    c.maxQueriesPerUser = v;
    return c.checked();
  }

  /** Queries one session may have running or waiting. */
  public GatewayConfig withMaxQueriesPerSession(int v) {
    GatewayConfig c = copy();
    c.maxQueriesPerSession = v;
    return c.checked();
  }

  /** Execution worker processes, one per researcher up to this many (then shared). */
  public GatewayConfig withMaxWorkers(int v) {
    GatewayConfig c = copy();
    c.maxWorkers = v;
    return c.checked();
  }

  public GatewayConfig withArrowBatchRows(int v) {
    GatewayConfig c = copy();
    c.arrowBatchRows = v;
    return c.checked();
  }

  public GatewayConfig withHandleTtl(Duration v) {
    GatewayConfig c = copy();
    c.handleTtl = v;
    return c.checked();
  }

  /** How long a cancelled query may take to stop before its worker is replaced. */
  public GatewayConfig withWorkerGrace(Duration v) {
    GatewayConfig c = copy();
    c.workerGrace = v;
    return c.checked();
  }

  /** Whether each audit entry is forced to disk before the query proceeds. */
  public GatewayConfig withAuditSync(boolean v) {
    GatewayConfig c = copy();
    c.auditSync = v;
    return c.checked();
  }

  public GatewayConfig withProjectApprovedUntil(Instant v) {
    GatewayConfig c = copy();
    c.projectApprovedUntil = v;
    return c.checked();
  }

  /** Whether the project's approval lets onsite sessions read free-text columns. */
  public GatewayConfig withFreeTextOnsite(boolean v) {
    GatewayConfig c = copy();
    c.freeTextOnsite = v;
    return c.checked();
  }
}
