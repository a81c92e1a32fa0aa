package jp.enclave.gateway.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who may start a query now. A session and a user each have a cap on queries running or waiting
 * (a refusal that says which cap, at once); beyond those, the gateway's slots are shared fairly:
 * waiting queries are admitted one user at a time in turn, so one researcher's many queries
 * cannot make another wait behind all of them.
 */
final class Admission {
  /** A granted slot; give it back with {@link #leave}. */
  record Ticket(String user, String session) {}

  private static final class Waiter {
    final Ticket ticket;
    boolean admitted;

    Waiter(Ticket ticket) {
      this.ticket = ticket;
    }
  }

  private final int total;
  private final int perUser;
  private final int perSession;
  private int running;
  private final Map<String, Integer> byUser = new HashMap<>();
  private final Map<String, Integer> bySession = new HashMap<>();
  /** Waiting queries per user, users in turn order: the next admitted comes from the first user. */
  private final LinkedHashMap<String, ArrayDeque<Waiter>> waiting = new LinkedHashMap<>();

  Admission(int total, int perUser, int perSession) {
    this.total = total;
    this.perUser = perUser;
    this.perSession = perSession;
  }

  synchronized Ticket enter(GatewaySession session, Duration maxWait) {
    String user = session.userId();
    String sid = session.sessionId();
    if (bySession.getOrDefault(sid, 0) >= perSession) {
      throw Refusals.denySessionLimit(perSession);
    }
    if (byUser.getOrDefault(user, 0) >= perUser) {
      throw Refusals.denyUserLimit(perUser);
    }
    Ticket t = new Ticket(user, sid);
    byUser.merge(user, 1, Integer::sum);
    bySession.merge(sid, 1, Integer::sum);
    if (running < total && waiting.isEmpty()) {
      running++;
      return t;
    }
    Waiter w = new Waiter(t);
    waiting.computeIfAbsent(user, k -> new ArrayDeque<>()).add(w);
    long end = System.nanoTime() + maxWait.toNanos();
    try {
      while (!w.admitted) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          break;
        }
        wait(Math.max(1, left / 1_000_000));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!w.admitted) {
      ArrayDeque<Waiter> q = waiting.get(user);
      if (q != null) {
        q.remove(w);
        if (q.isEmpty()) {
          waiting.remove(user);
        }
      }
      release(t);
      throw Refusals.denyBusy(total);
    }
    return t;
  }

  synchronized void leave(Ticket t) {
    running--;
    release(t);
    admitNext();
  }

  private void release(Ticket t) {
    byUser.computeIfPresent(t.user(), (k, v) -> v <= 1 ? null : v - 1);
    bySession.computeIfPresent(t.session(), (k, v) -> v <= 1 ? null : v - 1);
  }

  /** Admits waiting queries while slots are free, one per user in turn. */
  private void admitNext() {
    while (running < total && !waiting.isEmpty()) {
      String user = waiting.keySet().iterator().next();
      ArrayDeque<Waiter> q = waiting.remove(user);
      Waiter w = q.poll();
      if (!q.isEmpty()) {
        waiting.put(user, q); // to the back of the turn order
      }
      w.admitted = true;
      running++;
    }
    notifyAll();
  }

  synchronized int running() {
    return running;
  }
}
