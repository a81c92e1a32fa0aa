package jp.enclave.server.registry;

import java.time.LocalDate;

/** An organisation and its certification (number, valid from/until, both inclusive). */
public record Organisation(String id, String name, CertificationType certificationType, String certificationNumber,
    LocalDate certifiedFrom, LocalDate certifiedUntil, long version) {

  public boolean certifiedOn(LocalDate day) {
    return !day.isBefore(certifiedFrom) && !day.isAfter(certifiedUntil);
  }
}
