package jp.enclave.gateway.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which sessions may still use the gateway, whatever their tokens say. A token proves who was
 * given a session; only the enclave server knows whether it still runs. Ending is final.
 *
 * <p>Standalone (file mode), a session whose token verifies is live until {@link #end} is called.
 * Following the enclave server, a session is live only while the server's feed lists it as open
 * and the feed itself is fresh: a gateway that cannot reach the server for longer than
 * {@code staleAfter} cannot learn of revocations, so it refuses every session until it can.
 */
final class SessionLiveness {
  /** Ended sessions are remembered at least as long as any token may live (12 h), then pruned. */
  private static final Duration REMEMBER = Duration.ofHours(13);
  private static final int PRUNE_ABOVE = 10_000;

  record Ended(String reason, Instant at) {}

  /** Why a session may not proceed; null when it may. */
  record Verdict(boolean serverUnreachable, String reason) {}

  private final Clock clock;
  private final Map<String, Ended> ended = new ConcurrentHashMap<>();
  private final Set<String> announced = ConcurrentHashMap.newKeySet();
  private volatile boolean followsServer;
  private volatile Duration staleAfter = Duration.ofSeconds(60);
  private volatile Instant confirmedAt = Instant.EPOCH;
  private volatile Runnable refreshNow = () -> {};

  SessionLiveness(Clock clock) {
    this.clock = clock;
  }

  /** From now on sessions must be listed by the server's feed; {@code refreshNow} asks it at once (rate limited by the caller). */
  void followServer(Duration staleAfter, Runnable refreshNow) {
    if (staleAfter.isNegative() || staleAfter.isZero()) {
      throw new IllegalArgumentException("the server grace period must be positive");
    }
    this.staleAfter = staleAfter;
    this.refreshNow = refreshNow;
    this.followsServer = true;
  }

  boolean followsServer() {
    return followsServer;
  }

  /** The feed answered at {@code at} listing these sessions as open. */
  void confirmed(Set<String> open, Instant at) {
    for (String id : open) {
      if (!ended.containsKey(id)) {
        announced.add(id);
      }
    }
    confirmedAt = at;
  }

  /** Sessions the feed listed as open and that have not ended since (those to compare with the next feed). */
  Set<String> announced() {
    return Set.copyOf(announced);
  }

  /** Records the end; false if it had ended already. */
  boolean end(String sessionId, String reason) {
    announced.remove(sessionId);
    Instant now = clock.instant();
    boolean first = ended.putIfAbsent(sessionId, new Ended(reason, now)) == null;
    if (first && ended.size() > PRUNE_ABOVE) {
      ended.values().removeIf(e -> e.at().isBefore(now.minus(REMEMBER)));
    }
    return first;
  }

  Ended ended(String sessionId) {
    return ended.get(sessionId);
  }

  Instant confirmedAt() {
    return confirmedAt;
  }

  /** Null if the session may proceed, else why not. May ask the server once for a session it does not know yet. */
  Verdict check(String sessionId) {
    Ended e = ended.get(sessionId);
    if (e != null) {
      return new Verdict(false, e.reason());
    }
    if (!followsServer) {
      return null;
    }
    if (!announced.contains(sessionId)) {
      // A session opened since the last poll: ask the server now rather than wait for the next one.
      refreshNow.run();
      e = ended.get(sessionId);
      if (e != null) {
        return new Verdict(false, e.reason());
      }
      if (!announced.contains(sessionId)) {
        return new Verdict(false, "the enclave server does not list it as open");
      }
    }
    if (confirmedAt.plus(staleAfter).isBefore(clock.instant())) {
      return new Verdict(true, "the gateway has not reached the enclave server since " + confirmedAt
          + " and cannot confirm that the session is still open");
    }
    return null;
  }
}
