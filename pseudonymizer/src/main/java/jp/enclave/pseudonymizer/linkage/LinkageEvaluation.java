package jp.enclave.pseudonymizer.linkage;

import static jp.enclave.pseudonymizer.db.Duck.exec;
import static jp.enclave.pseudonymizer.db.Duck.literal;
import static jp.enclave.pseudonymizer.db.Duck.queryLong;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures linkage against the generator's ground truth: a truth-space table of pairwise
 * precision and recall by probability threshold (before clustering), and the same figures for
 * the final clusters. Recall counts every true pair, including those no blocking rule proposed.
 */
public final class LinkageEvaluation {
  public record Row(double threshold, long tp, long fp, long fn) {
    public double precision() {
      return tp + fp == 0 ? 1 : (double) tp / (tp + fp);
    }

    public double recall() {
      return tp + fn == 0 ? 1 : (double) tp / (tp + fn);
    }

    public double f1() {
      double p = precision();
      double r = recall();
      return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }
  }

  public record Result(List<Row> truthSpace, Row clusters, long truePairs) {}

  static final double[] THRESHOLDS = {0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999};

  private LinkageEvaluation() {}

  public static Result evaluate(Connection c, Path truthCsv) {
    exec(c, "CREATE OR REPLACE TABLE link_truth AS SELECT i.rid, t.person_key FROM read_csv(" + literal(truthCsv)
        + ", header = true, all_varchar = true) t JOIN link_input i USING (hospital_id, patient_id)");
    long truePairs = queryLong(c,
        "SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) AS n FROM link_truth GROUP BY person_key)");
    exec(c, "CREATE OR REPLACE TEMP TABLE link_scored_truth AS SELECT s.probability, ta.person_key = tb.person_key "
        + "AS same FROM link_scores s JOIN link_truth ta ON ta.rid = s.l JOIN link_truth tb ON tb.rid = s.r");
    List<Row> rows = new ArrayList<>();
    for (double t : THRESHOLDS) {
      long tp = queryLong(c, "SELECT count(*) FROM link_scored_truth WHERE same AND probability >= " + t);
      long fp = queryLong(c, "SELECT count(*) FROM link_scored_truth WHERE NOT same AND probability >= " + t);
      rows.add(new Row(t, tp, fp, truePairs - tp));
    }
    long predicted = queryLong(c,
        "SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) AS n FROM link_cluster_ids GROUP BY cluster)");
    long tp = queryLong(c, "SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) AS n "
        + "FROM link_cluster_ids k JOIN link_truth t USING (rid) GROUP BY k.cluster, t.person_key)");
    exec(c, "DROP TABLE link_scored_truth");
    return new Result(rows, new Row(Double.NaN, tp, predicted - tp, truePairs - tp), truePairs);
  }
}
