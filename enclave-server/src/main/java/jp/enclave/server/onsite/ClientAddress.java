package jp.enclave.server.onsite;

import java.util.List;
import java.util.Set;

/**
 * The client's address for terminal recognition. The TCP peer is the client unless it is one of
 * the configured trusted proxies (the TLS proxy in front of the server), in which case the last
 * address that proxy appended to {@code X-Forwarded-For} is. A forwarded header from anyone else
 * is ignored, so a remote browser cannot claim the onsite room's address by sending one.
 */
public final class ClientAddress {
  private ClientAddress() {}

  public static String of(String peer, String forwardedFor, Set<String> trustedProxies) {
    if (peer == null || !trustedProxies.contains(peer) || forwardedFor == null || forwardedFor.isBlank()) {
      return peer;
    }
    List<String> hops = List.of(forwardedFor.split(","));
    return hops.get(hops.size() - 1).trim();
  }
}
