package jp.enclave.server.registry;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Embeddable;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

@Entity
@Table(name = "person")
class PersonRow {
  @Id
  String subject;
  String name;
  @Column(name = "organisation_id")
  String organisationId;
  @Column(name = "onsite_center")
  String onsiteCenter;
  @ElementCollection(fetch = FetchType.EAGER)
  @CollectionTable(name = "training", joinColumns = @JoinColumn(name = "subject"))
  @OrderBy("completedOn")
  List<TrainingRow> trainings = new ArrayList<>();
  @Version
  long version;

  @Embeddable
  static class TrainingRow {
    String course;
    @Column(name = "completed_on")
    LocalDate completedOn;
    @Column(name = "expires_on")
    LocalDate expiresOn;
  }

  Person toDomain() {
    return new Person(subject, name, organisationId,
        trainings.stream().map(t -> new Training(t.course, t.completedOn, t.expiresOn)).toList(), onsiteCenter, version);
  }

  void set(Person p) {
    subject = p.subject();
    name = p.name();
    organisationId = p.organisationId();
    onsiteCenter = p.onsiteCenter();
    trainings.clear();
    for (Training t : p.trainings()) {
      TrainingRow r = new TrainingRow();
      r.course = t.course();
      r.completedOn = t.completedOn();
      r.expiresOn = t.expiresOn();
      trainings.add(r);
    }
  }
}
