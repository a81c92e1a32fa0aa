package jp.enclave.checker.suppression;

import java.util.List;
import java.util.Set;

/**
 * The suggested safe version: primary cells (failing a rule), secondary cells (suppressed so the
 * primaries cannot be recomputed from margins), and the audit that proves it.
 *
 * @param complete false when the audit could not prove protection (too large, or no pattern found)
 */
public record SuppressionPlan(Set<Integer> primary, Set<Integer> secondary, List<AuditResult> audits, boolean complete,
                              String note) {
  public SuppressionPlan {
    primary = Set.copyOf(primary);
    secondary = Set.copyOf(secondary);
    audits = List.copyOf(audits);
  }

  public boolean isSuppressed(int cellId) {
    return primary.contains(cellId) || secondary.contains(cellId);
  }
}
