package jp.enclave.gateway.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Immutable gateway settings; change one with {@code withX(...)}, which returns a copy. Defaults
 * are the safe ones: limits on, free text off.
 */
public final class GatewayConfig {
  private final int maxQueryChars;
  private final int maxNestingDepth;
  private final int maxNodes;
  private final Duration queryTimeout;
  private final String memoryLimit;
  private final int threads;
  private final int maxConcurrentQueries;
  private final int arrowBatchRows;
  private final Duration handleTtl;
  private final boolean auditSync;
  private final Instant projectApprovedUntil;
  private final boolean freeTextOnsite;

  private GatewayConfig(int maxQueryChars, int maxNestingDepth, int maxNodes, Duration queryTimeout,
      String memoryLimit, int threads, int maxConcurrentQueries, int arrowBatchRows, Duration handleTtl,
      boolean auditSync, Instant projectApprovedUntil, boolean freeTextOnsite) {
    this.maxQueryChars = maxQueryChars;
    this.maxNestingDepth = maxNestingDepth;
    this.maxNodes = maxNodes;
    this.queryTimeout = Objects.requireNonNull(queryTimeout);
    this.memoryLimit = Objects.requireNonNull(memoryLimit);
    this.threads = threads;
    this.maxConcurrentQueries = maxConcurrentQueries;
    this.arrowBatchRows = arrowBatchRows;
    this.handleTtl = Objects.requireNonNull(handleTtl);
    this.auditSync = auditSync;
    this.projectApprovedUntil = Objects.requireNonNull(projectApprovedUntil);
    this.freeTextOnsite = freeTextOnsite;
    if (maxQueryChars < 1 || maxNestingDepth < 1 || maxNodes < 1 || threads < 1 || maxConcurrentQueries < 1
        || arrowBatchRows < 1 || queryTimeout.isNegative() || queryTimeout.isZero()) {
      throw new IllegalArgumentException("gateway limits must be positive");
    }
    if (!memoryLimit.matches("[0-9]+(\\.[0-9]+)?\\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)")) {
      throw new IllegalArgumentException("memory limit must look like 4GB, not " + memoryLimit);
    }
  }

  /** Safe defaults; the project's approval end date must be set for queries to be allowed. */
  public static GatewayConfig defaults() {
    return new GatewayConfig(100_000, 64, 20_000, Duration.ofMinutes(10), "4GB", 2, 8, 65_536,
        Duration.ofMinutes(5), true, Instant.EPOCH, false);
  }

  public int maxQueryChars() { return maxQueryChars; }
  public int maxNestingDepth() { return maxNestingDepth; }
  public int maxNodes() { return maxNodes; }
  public Duration queryTimeout() { return queryTimeout; }
  public String memoryLimit() { return memoryLimit; }
  public int threads() { return threads; }
  public int maxConcurrentQueries() { return maxConcurrentQueries; }
  public int arrowBatchRows() { return arrowBatchRows; }
  public Duration handleTtl() { return handleTtl; }
  public boolean auditSync() { return auditSync; }
  public Instant projectApprovedUntil() { return projectApprovedUntil; }
  public boolean freeTextOnsite() { return freeTextOnsite; }

  public GatewayConfig withMaxQueryChars(int v) {
    return new GatewayConfig(v, maxNestingDepth, maxNodes, queryTimeout, memoryLimit, threads, maxConcurrentQueries, arrowBatchRows, handleTtl, auditSync, projectApprovedUntil, freeTextOnsite);
  }

  public GatewayConfig withMaxNestingDepth(int v) {
    return new GatewayConfig(maxQueryChars, v, maxNodes, queryTimeout, memoryLimit, threads, maxConcurrentQueries, arrowBatchRows, handleTtl, auditSync, projectApprovedUntil, freeTextOnsite);
  }

  public GatewayConfig withMaxNodes(int v) {
    return new GatewayConfig(maxQueryChars, maxNestingDepth, v, queryTimeout, memoryLimit, threads, maxConcurrentQueries, arrowBatchRows, handleTtl, auditSync, projectApprovedUntil, freeTextOnsite);
  }

  public GatewayConfig withQueryTimeout(Duration v) {
    return new GatewayConfig(maxQueryChars, maxNestingDepth, maxNodes, v, memoryLimit, threads, maxConcurrentQueries, arrowBatchRows, handleTtl, auditSync, projectApprovedUntil, freeTextOnsite);
  }

  public GatewayConfig withMemoryLimit(String v) {
    return new GatewayConfig(maxQueryChars, maxNestingDepth, maxNodes, queryTimeout, v, threads, maxConcurrentQueries, arrowBatchRows, handleTtl, auditSync, projectApprovedUntil, freeTextOnsite);
  }

  public GatewayConfig withThreads(int v) {
    return new GatewayConfig(maxQueryChars, maxNestingDepth, maxNodes, queryTimeout, memoryLimit, v, maxConcurrentQueries, arrowBatchRows, handleTtl, auditSync, projectApprovedUntil, freeTextOnsite);
  }

  public GatewayConfig withMaxConcurrentQueries(int v) {
    return new GatewayConfig(maxQueryChars, maxNestingDepth, maxNodes, queryTimeout, memoryLimit, threads, v, arrowBatchRows, handleTtl, auditSync, projectApprovedUntil, freeTextOnsite);
  }

  public GatewayConfig withArrowBatchRows(int v) {
    return new GatewayConfig(maxQueryChars, maxNestingDepth, maxNodes, queryTimeout, memoryLimit, threads, maxConcurrentQueries, v, handleTtl, auditSync, projectApprovedUntil, freeTextOnsite);
  }

  public GatewayConfig withHandleTtl(Duration v) {
    return new GatewayConfig(maxQueryChars, maxNestingDepth, maxNodes, queryTimeout, memoryLimit, threads, maxConcurrentQueries, arrowBatchRows, v, auditSync, projectApprovedUntil, freeTextOnsite);
  }

  /** Whether each audit entry is forced to disk before the query proceeds. */
  public GatewayConfig withAuditSync(boolean v) {
    return new GatewayConfig(maxQueryChars, maxNestingDepth, maxNodes, queryTimeout, memoryLimit, threads, maxConcurrentQueries, arrowBatchRows, handleTtl, v, projectApprovedUntil, freeTextOnsite);
  }

  public GatewayConfig withProjectApprovedUntil(Instant v) {
    return new GatewayConfig(maxQueryChars, maxNestingDepth, maxNodes, queryTimeout, memoryLimit, threads, maxConcurrentQueries, arrowBatchRows, handleTtl, auditSync, v, freeTextOnsite);
  }

  /** Whether the project's approval lets onsite sessions read free-text columns. */
  public GatewayConfig withFreeTextOnsite(boolean v) {
    return new GatewayConfig(maxQueryChars, maxNestingDepth, maxNodes, queryTimeout, memoryLimit, threads, maxConcurrentQueries, arrowBatchRows, handleTtl, auditSync, projectApprovedUntil, v);
  }
}
