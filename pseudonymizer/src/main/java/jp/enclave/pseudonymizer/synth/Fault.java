package jp.enclave.pseudonymizer.synth;

/** Kinds of malformed source rows the generator injects, so quarantine can be tested for each. */
public enum Fault {
  BAD_DATE, UNKNOWN_CODE, MISSING_KEY, ORPHAN, BROKEN_ENCODING, RAGGED_ROW, BAD_NUMBER
}
