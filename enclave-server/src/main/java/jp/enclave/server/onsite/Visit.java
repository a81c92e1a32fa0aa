package jp.enclave.server.onsite;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A researcher's booked visit to an onsite center on one day for one project. Staff check the
 * visitor in at a terminal after seeing an identity document (its kind is kept, never its number).
 */
public record Visit(String id, String subject, String projectId, String centerId, LocalDate day, VisitState state,
    String terminalId, String identityDocument, String checkedInBy, Instant checkedInAt, String endedBy,
    Instant endedAt, Instant bookedAt, long version) {

  public enum VisitState { BOOKED, CHECKED_IN, ENDED, CANCELLED }

  Visit moved(VisitState to, String by, Instant at, String terminal, String document) {
    boolean checkIn = to == VisitState.CHECKED_IN;
    boolean ending = to == VisitState.ENDED || to == VisitState.CANCELLED;
    return new Visit(id, subject, projectId, centerId, day, to, checkIn ? terminal : terminalId,
        checkIn ? document : identityDocument, checkIn ? by : checkedInBy, checkIn ? at : checkedInAt,
        ending ? by : endedBy, ending ? at : endedAt, bookedAt, version);
  }
}
