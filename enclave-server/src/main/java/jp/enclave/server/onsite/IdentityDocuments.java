package jp.enclave.server.onsite;

import java.util.List;

/**
 * The identity documents onsite staff accept at check-in (photo ID issued in Japan or a passport).
 * Only the kind is recorded: the document's number is personal data the enclave does not need.
 */
public final class IdentityDocuments {
  private IdentityDocuments() {}

  /** Wire names, also the portal's message keys {@code iddoc.<name>}. */
  public static final List<String> ACCEPTED = List.of("my-number-card", "driving-licence", "passport", "residence-card");

  public static boolean accepted(String kind) {
    return kind != null && ACCEPTED.contains(kind);
  }
}
