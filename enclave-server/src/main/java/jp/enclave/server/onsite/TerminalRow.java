package jp.enclave.server.onsite;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

@Entity
@Table(name = "onsite_terminal")
class TerminalRow {
  @Id
  String id;
  @Column(name = "center_id")
  String centerId;
  String location;
  String address;
  @Column(name = "secret_hash")
  String secretHash;
  String state;
  @Column(name = "registered_by")
  String registeredBy;
  @Column(name = "registered_at")
  Instant registeredAt;
  @Column(name = "retired_by")
  String retiredBy;
  @Column(name = "retired_at")
  Instant retiredAt;
  @Column(name = "retire_reason")
  String retireReason;
  @Version
  long version;

  Terminal toDomain() {
    return new Terminal(id, centerId, location, address, secretHash, Terminal.State.valueOf(state), registeredBy,
        registeredAt, retiredBy, retiredAt, retireReason, version);
  }

  void set(Terminal t) {
    id = t.id();
    centerId = t.centerId();
    location = t.location();
    address = t.address();
    secretHash = t.secretHash();
    state = t.state().name();
    registeredBy = t.registeredBy();
    registeredAt = t.registeredAt();
    retiredBy = t.retiredBy();
    retiredAt = t.retiredAt();
    retireReason = t.retireReason();
  }
}
