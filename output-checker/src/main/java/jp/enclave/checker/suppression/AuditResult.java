package jp.enclave.checker.suppression;

/**
 * The attacker's view of one primary-suppressed cell: the smallest and largest value consistent
 * with everything published (margins, unsuppressed cells, non-negativity), and whether that
 * interval is wide enough.
 */
public record AuditResult(int cellId, double value, double lower, double upper, double requiredWidth, boolean isProtected) {
  public double width() {
    return upper - lower;
  }
}
