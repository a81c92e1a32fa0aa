package jp.enclave.server.registry;

import java.time.LocalDate;
import java.util.Map;

/**
 * A research project and its approval: the committee's decision number, the purpose, the data
 * scope (the pseudonymizer's project spec JSON), the approved period (inclusive) and the members
 * with their project roles.
 */
public record Project(String id, String title, String organisationId, String decisionNumber, String purpose,
    String dataScope, LocalDate approvedFrom, LocalDate approvedUntil, Map<String, MemberRole> members, long version) {

  public Project {
    members = Map.copyOf(members);
  }

  public boolean approvedOn(LocalDate day) {
    return !day.isBefore(approvedFrom) && !day.isAfter(approvedUntil);
  }

  /** A member's part in the project. */
  public enum MemberRole { LEAD, ANALYST }
}
