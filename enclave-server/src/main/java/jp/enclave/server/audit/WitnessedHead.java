package jp.enclave.server.audit;

import java.time.Instant;

/** A zone trail's head as the server saw it: after {@code entries} entries the chain's hash was {@code headHash}. */
public record WitnessedHead(String zone, String path, long entries, String headHash, long fileBytes, Instant witnessedAt,
    String witnessedBy) {}
