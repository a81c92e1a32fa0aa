package jp.enclave.checker.provenance;

/** A cited query that cannot be recomputed; the message says which part and why. */
public final class ProvenanceRefusal extends Exception {
  public ProvenanceRefusal(String message) {
    super(message, null, false, false);
  }
}
