package jp.enclave.server.registry;

import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A registered user: the identity provider's subject, linked to one organisation, with training
 * records; {@code onsiteCenter} is the onsite center an onsite-staff member belongs to (null for
 * none), set by a steward: staff act only there (Cedar {@code staff-outside-own-center}).
 */
public record Person(String subject, String name, String organisationId, List<Training> trainings, String onsiteCenter,
    long version) {
  public Person {
    trainings = List.copyOf(trainings);
  }

  /** The last day covered by any training record, if there is one. */
  public Optional<LocalDate> trainedThrough() {
    return trainings.stream().map(Training::expiresOn).max(Comparator.naturalOrder());
  }
}
