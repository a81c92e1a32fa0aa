package jp.enclave.server.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "zone_witness")
class WitnessRow {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  Long id;
  String zone;
  String path;
  long entries;
  @Column(name = "head_hash")
  String headHash;
  @Column(name = "file_bytes")
  long fileBytes;
  @Column(name = "witnessed_at")
  Instant witnessedAt;
  @Column(name = "witnessed_by")
  String witnessedBy;

  WitnessedHead toDomain() {
    return new WitnessedHead(zone, path, entries, headHash, fileBytes, witnessedAt, witnessedBy);
  }
}
