package jp.enclave.gateway.link;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import jp.enclave.gateway.core.Gateway;
import jp.enclave.gateway.token.TokenVerifier;

/**
 * Keeps a gateway in step with the enclave server: the project's open sessions every
 * {@code pollEvery} (ended, revoked and lapsed ones are ended in the gateway's core, which
 * refuses their next request and cancels their running queries), the project's facts and the
 * server's keys every {@code factsEvery}, the keys at once when a token names an unknown key id,
 * and the session list at once when a session not listed yet presents itself (both rate limited).
 * When the server cannot be reached the gateway keeps what it last learnt for {@code staleAfter},
 * then refuses every session ({@code GW-SERVER-UNREACHABLE}) until the server answers again.
 */
public final class ServerFollower implements AutoCloseable {
  /** How often and how patiently to follow the server. */
  public record Settings(Duration pollEvery, Duration factsEvery, Duration staleAfter, Duration keysAtMostEvery,
      Duration unknownSessionAtMostEvery) {
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(10),
          Duration.ofMillis(200));
    }

    public Settings withStaleAfter(Duration d) {
      return new Settings(pollEvery, factsEvery, d, keysAtMostEvery, unknownSessionAtMostEvery);
    }

    public Settings withPollEvery(Duration d) {
      return new Settings(d, factsEvery, staleAfter, keysAtMostEvery, unknownSessionAtMostEvery);
    }
  }

  /** What a gateway needs before it serves: the keys and the facts, fetched once. */
  public record Initial(String jwks, ServerLink.Facts facts) {}

  private final ServerLink link;
  private final Gateway gateway;
  private final TokenVerifier verifier;
  private final Settings settings;
  private final Consumer<String> tokens;
  private final Clock clock;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "gateway-server-link");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, String> delivered = new ConcurrentHashMap<>();
  private final Object pollLock = new Object();
  private volatile long lastPollNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
  private volatile long lastKeysOnDemandNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
  private volatile String failing;

  /**
   * {@code tokens} receives each open session's current token once (and again when renewed), so a
   * front end that must know sessions before a client presents a token can learn them.
   */
  public ServerFollower(ServerLink link, Gateway gateway, TokenVerifier verifier, Settings settings,
      Consumer<String> tokens, Clock clock) {
    this.link = link;
    this.gateway = gateway;
    this.verifier = verifier;
    this.settings = settings;
    this.tokens = tokens;
    this.clock = clock;
  }

  /** Fetches the keys and facts, retrying for up to {@code patience} (the server may still be starting). */
  public static Initial bootstrap(ServerLink link, Duration patience) throws IOException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      try {
        return new Initial(link.jwks(), link.facts());
      } catch (ServerLink.Refused e) {
        throw e;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("the enclave server at " + link.base() + " did not answer within "
              + patience.toSeconds() + " s: " + e.getMessage(), e);
        }
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
  }

  /** Starts following: the first session poll happens now, before any client is served. */
  public void start() {
    gateway.followServer(settings.staleAfter(), this::pollForUnknownSession);
    verifier.onUnknownKey(this::refreshKeysLimited);
    pollSessions();
    timer.scheduleWithFixedDelay(this::pollSessions, settings.pollEvery().toMillis(), settings.pollEvery().toMillis(),
        TimeUnit.MILLISECONDS);
    timer.scheduleWithFixedDelay(() -> {
      refreshFacts();
      refreshKeys();
    }, settings.factsEvery().toMillis(), settings.factsEvery().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One round of the session feed; false if the server could not be asked. */
  public boolean pollSessions() {
    synchronized (pollLock) {
      lastPollNanos = System.nanoTime();
      ServerLink.Feed feed;
      try {
        feed = link.sessions();
      } catch (IOException | RuntimeException e) {
        unreachable(e);
        return false;
      }
      reachable();
      for (ServerLink.EndedSession e : feed.ended()) {
        gateway.endSession(e.sessionId(), e.reason());
      }
      Set<String> open = new HashSet<>();
      for (ServerLink.OpenSession s : feed.open()) {
        open.add(s.sessionId());
      }
      // The server's clock says when it answered; the gateway measures freshness on its own.
      gateway.sessionsOpen(open, clock.instant(), "no longer open at the enclave server");
      delivered.keySet().retainAll(open);
      for (ServerLink.OpenSession s : feed.open()) {
        if (s.token() != null && !s.token().equals(delivered.put(s.sessionId(), s.token()))) {
          try {
            tokens.accept(s.token());
          } catch (RuntimeException e) {
            System.err.println("gateway: a session-token consumer failed: " + e.getMessage());
          }
        }
      }
      return true;
    }
  }

  /**
   * A session the gateway does not know yet: ask the server now. Callers arriving together share
   * one poll that started after they arrived; polls on demand are at least
   * {@code unknownSessionAtMostEvery} apart.
   */
  private void pollForUnknownSession() {
    long arrived = System.nanoTime();
    synchronized (pollLock) {
      if (lastPollNanos - arrived > 0) {
        return;
      }
      long wait = lastPollNanos + settings.unknownSessionAtMostEvery().toNanos() - System.nanoTime();
      if (wait > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      pollSessions();
    }
  }

  public boolean refreshFacts() {
    try {
      ServerLink.Facts f = link.facts();
      gateway.updateProjectFacts(f.approvedUntil(), f.freeTextOnsite());
      return true;
    } catch (IOException | RuntimeException e) {
      unreachable(e);
      return false;
    }
  }

  /** Fetches the keys; true if they changed. */
  public boolean refreshKeys() {
    try {
      boolean changed = verifier.updateKeys(link.jwks());
      if (changed) {
        gateway.auditEvent("server.keys-updated", Map.of("project", gateway.projectId()));
      }
      return changed;
    } catch (IOException | RuntimeException e) {
      unreachable(e);
      return false;
    }
  }

  /** On demand (a token names an unknown key id): limited on its own, so a periodic refresh does not delay it. */
  private synchronized boolean refreshKeysLimited() {
    if (System.nanoTime() - lastKeysOnDemandNanos < settings.keysAtMostEvery().toNanos()) {
      return false;
    }
    lastKeysOnDemandNanos = System.nanoTime();
    return refreshKeys();
  }

  private void unreachable(Exception e) {
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (failing == null) {
      failing = why;
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("project", gateway.projectId());
      data.put("server", link.base().toString());
      data.put("error", why);
      data.put("lastConfirmed", gateway.sessionsConfirmedAt().toString());
      gateway.auditEvent("server.unreachable", data);
      System.err.println("gateway: the enclave server is unreachable: " + why);
    }
  }

  private void reachable() {
    if (failing != null) {
      failing = null;
      gateway.auditEvent("server.reachable", Map.of("project", gateway.projectId(), "server", link.base().toString()));
      System.err.println("gateway: the enclave server answers again");
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
