package jp.enclave.checker.suppression;

import java.util.List;
import java.util.Set;
import jp.enclave.checker.Detail;

/**
 * The suggested safe version: primary cells (failing a rule), secondary cells (suppressed so the
 * primaries cannot be recomputed from margins), and the audit that proves it.
 *
 * @param complete false when the audit could not prove protection (too large, or no pattern found)
 * @param note     how the pattern was chosen or why none was proven; null when there is nothing to say
 */
public record SuppressionPlan(Set<Integer> primary, Set<Integer> secondary, List<AuditResult> audits, boolean complete,
                              Detail note) {
  public SuppressionPlan {
    primary = Set.copyOf(primary);
    secondary = Set.copyOf(secondary);
    audits = List.copyOf(audits);
  }

  public boolean isSuppressed(int cellId) {
    return primary.contains(cellId) || secondary.contains(cellId);
  }
}
