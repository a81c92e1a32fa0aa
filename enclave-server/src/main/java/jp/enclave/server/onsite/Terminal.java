package jp.enclave.server.onsite;

import java.time.Instant;

/**
 * A terminal of an onsite center. It is recognised by two things at once: the source address it
 * is registered with (the onsite room's fixed network) and a secret enrolled into its browser,
 * of which only the SHA-256 is kept. Either alone is not enough: a copied secret used from
 * elsewhere and another machine in the room without the secret are both refused.
 */
public record Terminal(String id, String centerId, String location, String address, String secretHash,
    State state, String registeredBy, Instant registeredAt, String retiredBy, Instant retiredAt, String retireReason,
    long version) {

  public enum State { ACTIVE, RETIRED }

  public boolean active() {
    return state == State.ACTIVE;
  }
}
