package jp.enclave.server.audit;

import java.time.Instant;

/** One link of the server's hash chain; {@code detail} is canonical JSON. */
public record AuditEntry(long seq, Instant at, String actor, String event, String target, String detail,
    String prevHash, String hash) {}
