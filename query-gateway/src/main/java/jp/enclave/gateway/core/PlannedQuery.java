package jp.enclave.gateway.core;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A query that passed every check: its ID (which export requests cite), the session it belongs
 * to, the text the researcher sent, the DuckDB text that will run, the tables it reads and the
 * policies that allowed it. {@code auditSeq} is its accepted entry in the audit trail, which must
 * be on disk before any of its results leave the gateway; {@code compiledBefore} says the checked
 * text came from the gateway's cache of earlier identical queries (policies were asked afresh);
 * {@code scanCheckNanos} is the part of the planning time spent on the second column check
 * (DuckDB's plan in the worker; zero for a text checked before).
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
    long planNanos,
    boolean compiledBefore,
    long auditSeq,
    long scanCheckNanos) {}
