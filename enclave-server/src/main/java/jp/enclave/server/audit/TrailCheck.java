package jp.enclave.server.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * A zone trail checked twice: its own chain (audit-trail's verifier), and against every head the
 * server witnessed earlier. A chain alone cannot show a truncated tail or a trail rebuilt with a
 * valid but different chain; a witnessed head can: the trail must still have that many entries
 * and the same hash after them. Pure, so every verdict is tested without files or a database.
 */
public final class TrailCheck {
  private TrailCheck() {}

  /** The verdicts, worst last; the first that applies is reported. */
  public enum Verdict { INTACT, UNWITNESSED, BROKEN_CHAIN, TRUNCATED, DIVERGED, MISSING }

  /** One witnessed head compared with the trail as it is now. */
  public record HeadCheck(WitnessedHead head, Verdict verdict, String detail) {}

  /** The whole answer for one zone: what is wrong and where, in a sentence. */
  public record ZoneVerification(String zone, String path, Verdict verdict, long entries, String head,
      Long brokenAt, String problem, int witnessedHeads, List<HeadCheck> heads) {
    public boolean valid() {
      return verdict == Verdict.INTACT || verdict == Verdict.UNWITNESSED;
    }
  }

  public static ZoneVerification check(ZoneRead read, List<WitnessedHead> witnessed) {
    String zone = read.zone().name();
    String path = read.zone().file().toString();
    if (!read.exists()) {
      return new ZoneVerification(zone, path, Verdict.MISSING, 0, null, 0L,
          "the trail file is missing although " + witnessed.size() + " head(s) were witnessed", witnessed.size(),
          witnessed.stream().map(h -> new HeadCheck(h, Verdict.MISSING, "file missing")).toList());
    }
    long have = read.hashes().size();
    List<HeadCheck> checks = new ArrayList<>();
    WitnessedHead lastMatching = null;
    HeadCheck firstBad = null;
    for (WitnessedHead h : witnessed) {
      String now = read.headAfter(h.entries());
      HeadCheck c;
      if (now == null) {
        c = new HeadCheck(h, read.result().ok() ? Verdict.TRUNCATED : Verdict.BROKEN_CHAIN, read.result().ok()
            ? "the trail has " + have + " entries; " + h.entries() + " were witnessed at " + h.witnessedAt()
            : "the chain breaks at entry " + read.result().brokenAt() + " before the witnessed " + h.entries() + " entries");
      } else if (!now.equals(h.headHash())) {
        c = new HeadCheck(h, Verdict.DIVERGED, "after " + h.entries() + " entries the hash is " + now + ", witnessed "
            + h.headHash() + " at " + h.witnessedAt() + divergesAfter(lastMatching, h));
      } else {
        c = new HeadCheck(h, Verdict.INTACT, "matches");
        lastMatching = h;
      }
      // Report a divergence at the first head that no longer matches (the tightest place), a
      // truncation against the longest witnessed head (how much is gone).
      if (c.verdict() == Verdict.DIVERGED && (firstBad == null || firstBad.verdict() != Verdict.DIVERGED)) {
        firstBad = c;
      } else if (c.verdict() != Verdict.INTACT && c.verdict() != Verdict.DIVERGED
          && (firstBad == null || firstBad.verdict() != Verdict.DIVERGED)) {
        firstBad = c;
      }
      checks.add(c);
    }
    String head = read.result().headHash();
    if (!read.result().ok()) {
      return new ZoneVerification(zone, path, Verdict.BROKEN_CHAIN, read.result().entries(), head,
          read.result().brokenAt(), "entry " + read.result().brokenAt() + ": " + read.result().problem()
          + (firstBad == null ? "" : "; " + firstBad.detail()), witnessed.size(), checks);
    }
    if (firstBad != null) {
      Long at = firstBad.verdict() == Verdict.TRUNCATED ? Long.valueOf(have)
          : Long.valueOf(lastMatching == null ? 0 : lastMatching.entries());
      return new ZoneVerification(zone, path, firstBad.verdict(), have, head, at, firstBad.detail(), witnessed.size(),
          checks);
    }
    return new ZoneVerification(zone, path, witnessed.isEmpty() ? Verdict.UNWITNESSED : Verdict.INTACT, have, head, null,
        witnessed.isEmpty() ? "the chain holds; no head witnessed yet" : null, witnessed.size(), checks);
  }

  private static String divergesAfter(WitnessedHead lastMatching, WitnessedHead bad) {
    return lastMatching == null
        ? "; it diverges at or before entry " + (bad.entries() - 1) + " (no earlier witnessed head matches)"
        : "; it diverges between entry " + lastMatching.entries() + " and entry " + (bad.entries() - 1)
            + " (the head witnessed at " + lastMatching.witnessedAt() + " still matches)";
  }

  /** Whether a new head may be witnessed: the chain holds and agrees with every earlier head. */
  public static boolean consistent(ZoneVerification v) {
    return v.valid();
  }
}
