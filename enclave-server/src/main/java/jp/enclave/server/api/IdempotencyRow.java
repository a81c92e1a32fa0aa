package jp.enclave.server.api;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

@Entity
@Table(name = "idempotency_key")
class IdempotencyRow {
  @EmbeddedId
  Key id;
  String fingerprint;
  int status;
  String body;
  @Column(name = "created_at")
  Instant createdAt;

  @Embeddable
  static class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    String caller;
    String key;

    Key() {}

    Key(String caller, String key) {
      this.caller = caller;
      this.key = key;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.caller.equals(caller) && k.key.equals(key);
    }

    @Override
    public int hashCode() {
      return Objects.hash(caller, key);
    }
  }
}
