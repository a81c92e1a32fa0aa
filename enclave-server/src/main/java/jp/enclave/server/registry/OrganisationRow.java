package jp.enclave.server.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.LocalDate;

@Entity
@Table(name = "organisation")
class OrganisationRow {
  @Id
  String id;
  String name;
  @Column(name = "cert_type")
  String certType;
  @Column(name = "cert_number")
  String certNumber;
  @Column(name = "cert_from")
  LocalDate certFrom;
  @Column(name = "cert_until")
  LocalDate certUntil;
  @Version
  long version;

  Organisation toDomain() {
    return new Organisation(id, name, CertificationType.parse(certType), certNumber, certFrom, certUntil, version);
  }

  void set(Organisation o) {
    id = o.id();
    name = o.name();
    certType = o.certificationType().wire();
    certNumber = o.certificationNumber();
    certFrom = o.certifiedFrom();
    certUntil = o.certifiedUntil();
  }
}
