package jp.enclave.checker.history;

import jp.enclave.checker.table.StatTable;

/** A table already released for a project, kept to check new tables for differencing. */
public record ReleasedTable(String releaseId, String itemId, StatTable table) {}
