package jp.enclave.checker.table;

/**
 * An additivity relation of a table: the cell {@code total} equals the sum of the cells
 * {@code parts}. Cells are identified by {@link StatTable#cellId(int, int)}.
 */
public record Constraint(int total, int[] parts) {}
