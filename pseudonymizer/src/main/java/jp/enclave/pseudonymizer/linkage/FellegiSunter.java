package jp.enclave.pseudonymizer.linkage;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Fellegi–Sunter model: per comparison level, m = P(level | match) and u = P(level | non-match).
 * u comes from random pairs (almost all non-matches); m and the match prior λ are fitted by EM
 * on the blocked pairs, summarised as counts per comparison pattern so EM costs nothing.
 */
public final class FellegiSunter {
  /** A comparison pattern (levels per comparison, -1 for missing) and how many pairs showed it. */
  public record Pattern(int[] levels, long count) {}

  private final List<Comparison> comparisons;
  private final double[][] m;
  private final double[][] u;
  private double lambda;

  private FellegiSunter(List<Comparison> comparisons, double[][] m, double[][] u, double lambda) {
    this.comparisons = comparisons;
    this.m = m;
    this.u = u;
    this.lambda = lambda;
  }

  /**
   * The pairs one blocking rule proposed, and which comparisons that rule fixed: within the
   * session those agree by construction, so they carry no evidence and are left out.
   */
  public record Session(List<Pattern> patterns, Set<Integer> blockedComparisons) {}

  /**
   * Fits the model splink's way: u from random pairs; m per comparison from the EM session of a
   * rule that does not block on it (the first such session wins); then λ by EM over all
   * candidate pairs with m and u fixed. That λ is the match rate among candidates; the model's
   * prior is rescaled to all {@code records} choose 2 pairs, because u was measured on random
   * pairs and would otherwise count the blocking agreement twice.
   */
  public static FellegiSunter fit(List<Comparison> comparisons, List<Session> sessions, List<Pattern> all,
      List<Pattern> random, int iterations, long records) {
    int k = comparisons.size();
    double[][] u = new double[k][];
    double[][] m = new double[k][];
    for (int c = 0; c < k; c++) {
      int levels = comparisons.get(c).levels();
      u[c] = frequencies(random, c, levels);
      m[c] = new double[levels];
      // Start m leaning to agreement: EM converges from here to the matching mode.
      for (int l = 0; l < levels; l++) {
        m[c][l] = l == levels - 1 ? 0.9 : 0.1 / (levels - 1);
      }
    }
    boolean[] estimated = new boolean[k];
    for (Session session : sessions) {
      boolean[] active = new boolean[k];
      for (int c = 0; c < k; c++) {
        active[c] = !session.blockedComparisons().contains(c);
      }
      FellegiSunter model = new FellegiSunter(comparisons, copy(m), u, 0.01);
      for (int it = 0; it < iterations; it++) {
        model.emStep(session.patterns(), active, true);
      }
      for (int c = 0; c < k; c++) {
        if (active[c] && !estimated[c]) {
          m[c] = model.m[c];
          estimated[c] = true;
        }
      }
    }
    boolean[] everything = new boolean[k];
    Arrays.fill(everything, true);
    FellegiSunter model = new FellegiSunter(comparisons, m, u, 0.01);
    for (int it = 0; it < iterations; it++) {
      model.emStep(all, everything, false);
    }
    double candidates = all.stream().mapToLong(Pattern::count).sum();
    double pairs = records * (records - 1) / 2.0;
    model.lambda = clamp(model.lambda * candidates / pairs);
    return model;
  }

  private void emStep(List<Pattern> patterns, boolean[] active, boolean updateM) {
    int k = comparisons.size();
    double[][] mNum = new double[k][];
    for (int c = 0; c < k; c++) {
      mNum[c] = new double[m[c].length];
    }
    double matchWeight = 0;
    double total = 0;
    for (Pattern p : patterns) {
      double prob = probability(p.levels(), active);
      double w = prob * p.count();
      matchWeight += w;
      total += p.count();
      for (int c = 0; c < k; c++) {
        if (p.levels()[c] >= 0) {
          mNum[c][p.levels()[c]] += w;
        }
      }
    }
    lambda = clamp(matchWeight / total);
    if (!updateM) {
      return;
    }
    for (int c = 0; c < k; c++) {
      if (!active[c]) {
        continue;
      }
      double sum = Arrays.stream(mNum[c]).sum();
      for (int l = 0; l < m[c].length; l++) {
        m[c][l] = clamp(sum == 0 ? m[c][l] : mNum[c][l] / sum);
      }
    }
  }

  private double probability(int[] levels, boolean[] active) {
    double w = log2(lambda / (1 - lambda));
    for (int c = 0; c < levels.length; c++) {
      if (active[c] && levels[c] >= 0) {
        w += log2(m[c][levels[c]] / u[c][levels[c]]);
      }
    }
    double bf = Math.pow(2, w);
    return bf / (1 + bf);
  }

  private static double[][] copy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }

  /** log2 Bayes factor of a pattern plus the prior: the splink "match weight". */
  public double matchWeight(int[] levels) {
    double w = log2(lambda / (1 - lambda));
    for (int c = 0; c < levels.length; c++) {
      if (levels[c] >= 0) {
        w += log2(m[c][levels[c]] / u[c][levels[c]]);
      }
    }
    return w;
  }

  public double probability(int[] levels) {
    double bf = Math.pow(2, matchWeight(levels));
    return bf / (1 + bf);
  }

  /** The fitted parameters, as the pipeline report shows them. */
  @com.fasterxml.jackson.annotation.JsonValue
  public java.util.Map<String, Object> parameters() {
    java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("lambda", lambda);
    for (int c = 0; c < comparisons.size(); c++) {
      java.util.List<java.util.Map<String, Double>> levels = new java.util.ArrayList<>();
      for (int l = 0; l < m[c].length; l++) {
        levels.add(java.util.Map.of("m", m[c][l], "u", u[c][l]));
      }
      out.put(comparisons.get(c).name(), levels);
    }
    return out;
  }

  public double lambda() {
    return lambda;
  }

  public double m(int comparison, int level) {
    return m[comparison][level];
  }

  public double u(int comparison, int level) {
    return u[comparison][level];
  }

  private static double[] frequencies(List<Pattern> patterns, int c, int levels) {
    double[] f = new double[levels];
    double total = 0;
    for (Pattern p : patterns) {
      if (p.levels()[c] >= 0) {
        f[p.levels()[c]] += p.count();
        total += p.count();
      }
    }
    for (int l = 0; l < levels; l++) {
      // Laplace smoothing: a level never seen among random pairs is rare, not impossible.
      f[l] = (f[l] + 1) / (total + levels);
    }
    return f;
  }

  private static double clamp(double p) {
    return Math.min(1 - 1e-9, Math.max(1e-9, p));
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
