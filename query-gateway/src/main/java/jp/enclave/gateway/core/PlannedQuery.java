package jp.enclave.gateway.core;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A query that passed every check: its ID (which export requests cite), the session it belongs
 * to, the text the researcher sent, the DuckDB text that will run, the tables it reads and the
 * policies that allowed it.
 */
public record PlannedQuery(
    String queryId,
    GatewaySession session,
    String originalSql,
    String duckDbSql,
    Set<String> tablesRead,
    List<String> policyIds,
    String reason,
    Instant plannedAt,
    long planNanos) {}
