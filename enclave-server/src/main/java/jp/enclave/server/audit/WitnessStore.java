package jp.enclave.server.audit;

import java.util.List;

/** The witnessed heads, append-only; joins the caller's transaction. */
public interface WitnessStore {
  /** One zone's heads, oldest first. */
  List<WitnessedHead> heads(String zone);

  /** Every zone that was ever witnessed. */
  List<String> zones();

  void insert(WitnessedHead h);
}
