package jp.enclave.policies;

import java.util.List;

/**
 * The outcome of one policy question. {@code policyIds} are the {@code @id}s of the policies that
 * decided it (empty when nothing permitted: deny by default); {@code reason} is a sentence built
 * from their {@code @reason}s; {@code deniedColumns} names the columns that caused a column-read
 * denial.
 */
public record Decision(boolean allowed, List<String> policyIds, String reason, List<String> deniedColumns) {
  public Decision {
    policyIds = List.copyOf(policyIds);
    deniedColumns = List.copyOf(deniedColumns);
  }

  Decision withDeniedColumns(List<String> columns) {
    return new Decision(allowed, policyIds, reason, columns);
  }
}
