package jp.enclave.checker.provenance;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jp.enclave.checker.Detail;
import jp.enclave.checker.Refusal;
import jp.enclave.checker.rules.Finding;
import jp.enclave.checker.rules.Rule;
import jp.enclave.checker.rules.Status;

/**
 * Recomputes an item's cited queries on the project's extract. Recomputation needs only the
 * cited queries and the extract, not the file, so it runs on its own thread while the file is
 * read; {@link Pending#await} hands back the results with the findings and notes it produced.
 */
public final class ProvenanceStage {
  private static final ExecutorService RECOMPUTE = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "provenance-recompute");
    t.setDaemon(true);
    return t;
  });

  private final CitedQueries queries;
  private final Connection extract;

  public ProvenanceStage(CitedQueries queries, Connection extract) {
    this.queries = queries;
    this.extract = extract;
  }

  /** Results of one item's recomputation, with what it found on the way. */
  public record Outcome(List<ProvenanceResult> results, List<Finding> findings, List<Detail> notes) {
    static final Outcome NONE = new Outcome(List.of(), List.of(), List.of());

    /** The most persons behind any cited query, NaN when nothing was recomputed. */
    public double personsBehind() {
      double p = Double.NaN;
      for (ProvenanceResult r : results) {
        p = Double.isNaN(p) ? r.personsBehind() : Math.max(p, r.personsBehind());
      }
      return p;
    }
  }

  /** A recomputation under way. */
  public static final class Pending {
    private final Future<Outcome> future;

    Pending(Future<Outcome> future) {
      this.future = future;
    }

    public Outcome await() {
      try {
        return future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while recomputing provenance", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  public Pending start(String projectId, List<String> cited) {
    if (cited.isEmpty()) {
      return new Pending(CompletableFuture.completedFuture(Outcome.NONE));
    }
    return new Pending(RECOMPUTE.submit(() -> recompute(projectId, cited)));
  }

  private Outcome recompute(String projectId, List<String> cited) {
    List<ProvenanceResult> out = new ArrayList<>();
    List<Finding> findings = new ArrayList<>();
    List<Detail> notes = new ArrayList<>();
    for (String qid : cited) {
      Optional<CitedQuery> q = queries.find(qid);
      if (q.isEmpty()) {
        findings.add(Finding.item(Rule.PROVENANCE, Status.FAIL,
            Detail.of("provenance.unknownQuery", qid)));
        notes.add(Detail.of("provenance.note.unknown", qid));
      } else if (!q.get().projectId().equals(projectId)) {
        findings.add(Finding.item(Rule.PROVENANCE, Status.FAIL,
            Detail.of("provenance.otherProject", qid, q.get().projectId(), projectId)));
        notes.add(Detail.of("provenance.note.otherProject", qid));
      } else if (extract == null) {
        findings.add(Finding.item(Rule.PROVENANCE, Status.REVIEW,
            Detail.of("provenance.noExtract", qid)));
        notes.add(Detail.of("provenance.note.noExtract", qid));
      } else {
        try {
          ProvenanceResult r = new ProvenanceRecomputer().recompute(q.get(), extract);
          out.add(r);
          notes.add(Detail.of("provenance.note.recomputed", qid, r.cells().size(), fmt(r.personsBehind())));
        } catch (Refusal e) {
          findings.add(Finding.item(Rule.PROVENANCE, Status.REVIEW, Detail.of("provenance.notRecomputable", qid, Detail.refusal(e))));
          notes.add(Detail.of("provenance.note.notRecomputed", qid));
        }
      }
    }
    return new Outcome(out, findings, notes);
  }

  private static String fmt(double d) {
    return Double.isNaN(d) ? "?" : d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
