package jp.enclave.server.inventory;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "inventory_report")
class InventoryRow {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  Long id;
  @Column(name = "imported_at")
  Instant importedAt;
  @Column(name = "imported_by")
  String importedBy;
  String sha256;
  String report;

  InventoryStore.Stored toDomain() {
    return new InventoryStore.Stored(id, importedAt, importedBy, sha256, report);
  }
}
