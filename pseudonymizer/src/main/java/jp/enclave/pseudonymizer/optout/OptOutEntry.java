package jp.enclave.pseudonymizer.optout;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * One patient's request to stop the provision of their information (本人の求めによる提供停止), as
 * kept in the sealed register: when and through which channel it came, whom it names, and what
 * the last ingest found. Every store pseudonym ever matched is kept, so extracts made from an
 * older store are still found.
 */
public record OptOutEntry(
    String requestId,
    LocalDate received,
    String channel,
    Identification person,
    Instant recordedAt,
    String recordedBy,
    Status status,
    List<String> storePseudonyms,
    long registrations,
    Instant lastMatchedAt) {

  /** PENDING until the first ingest after it is recorded; then MATCHED or UNMATCHED at each ingest. */
  public enum Status { PENDING, MATCHED, UNMATCHED }

  public OptOutEntry {
    storePseudonyms = List.copyOf(storePseudonyms);
  }

  OptOutEntry matched(List<String> pseudonyms, long regs, Instant at) {
    List<String> all = new java.util.ArrayList<>(storePseudonyms);
    pseudonyms.stream().filter(p -> !all.contains(p)).forEach(all::add);
    return new OptOutEntry(requestId, received, channel, person, recordedAt, recordedBy, Status.MATCHED, all, regs, at);
  }

  OptOutEntry unmatched(Instant at) {
    return new OptOutEntry(requestId, received, channel, person, recordedAt, recordedBy, Status.UNMATCHED,
        storePseudonyms, 0, lastMatchedAt);
  }
}
