package jp.enclave.checker.table;

/**
 * An additivity relation of a table: the cell {@code total} equals the sum of the cells
 * {@code parts}, up to {@code tolerance} when the file prints its numbers rounded (half a unit
 * of the last printed digit for every rounded cell of the relation; 0 for exact numbers).
 * Cells are identified by {@link StatTable#cellId(int, int)}.
 */
public record Constraint(int total, int[] parts, double tolerance) {

  public Constraint(int total, int[] parts) {
    this(total, parts, 0);
  }

  /** Every cell of the relation, the total first. */
  public int[] cells() {
    int[] all = new int[parts.length + 1];
    all[0] = total;
    System.arraycopy(parts, 0, all, 1, parts.length);
    return all;
  }
}
