package jp.enclave.checker.provenance;

/** A query as the gateway's audit trail keeps it: its ID, project, user and the DuckDB SQL it ran. */
public record CitedQuery(String queryId, String projectId, String user, String sql) {}
