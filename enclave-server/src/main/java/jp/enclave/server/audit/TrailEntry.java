package jp.enclave.server.audit;

import java.time.Instant;

/**
 * One entry of any zone's trail in one shape for searching: the server's chain ({@code zone}
 * "server") or a zone's JSONL file. {@code user} and {@code project} are what the entry names
 * (the server's actor, a gateway entry's {@code user}); {@code detail} is canonical JSON.
 */
public record TrailEntry(String zone, long seq, Instant at, String user, String project, String event, String target,
    String detail, String hash) {}
