package jp.enclave.checker.rules;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import jp.enclave.checker.Detail;
import jp.enclave.checker.input.RawTable;
import jp.enclave.checker.model.ModelSummary;
import jp.enclave.checker.table.Numbers;

/**
 * Regression and model summaries: residual degrees of freedom at least {@code regression.min_dof}.
 * Reads the residual df where the summary states it, else derives it from observations minus
 * estimated parameters; a summary that states neither goes to review.
 */
public final class DofCheck {
  private static final Pattern DOF = Pattern.compile(
      "(?i)^(df[ _.]?resid(uals?)?|residual[ _]?df|dof|degrees[ _]of[ _]freedom|df[ _]residual|自由度|残差自由度)$");
  private static final Pattern NOBS = Pattern.compile(
      "(?i)^(nobs|n[ _]?obs|no\\.? ?observations|observations|number of obs(ervations)?|n|観測数|サンプルサイズ|症例数)$");
  private static final Pattern COEF = Pattern.compile("(?i)^(coef|estimate|beta|b|係数|推定値|odds_?ratio|or|hr|hazard_?ratio)$");

  private DofCheck() {}

  /**
   * Printed model summaries (statsmodels, R): every model in the file must have at least
   * {@code regression.min_dof} residual degrees of freedom; the finding names the line read.
   */
  public static void check(List<ModelSummary> models, RuleSet rules, List<Finding> out) {
    for (ModelSummary m : models) {
      long df = m.effectiveDf();
      if (df < 0) {
        out.add(Finding.item(Rule.DOF, Status.REVIEW, Detail.of("dof.summary.uncounted", m.format(), m.line())));
      } else if (df < rules.minDof) {
        out.add(Finding.item(Rule.DOF, Status.FAIL,
            Detail.of("dof.summary.few", m.format(), m.line(), df, m.basis(), rules.minDof)));
      } else {
        out.add(Finding.item(Rule.DOF, Status.PASS, Detail.of("dof.summary.ok", m.format(), m.line(), df, m.basis())));
      }
    }
  }

  public static void check(RawTable t, RuleSet rules, List<Finding> out) {
    int[] dof = find(t, DOF);
    double value;
    Detail how;
    int row;
    int col;
    if (dof != null) {
      value = Numbers.parse(t.cell(dof[0], dof[1]));
      how = Detail.of("dof.basis.stated");
      row = dof[0];
      col = dof[1];
    } else {
      int[] nobs = find(t, NOBS);
      int params = countParameters(t);
      if (nobs == null || params <= 0) {
        out.add(Finding.item(Rule.DOF, Status.REVIEW,
            Detail.of("dof.table.unknown")));
        return;
      }
      value = Numbers.parse(t.cell(nobs[0], nobs[1])) - params;
      how = Detail.of("dof.basis.observations", ThresholdCheck.fmt(Numbers.parse(t.cell(nobs[0], nobs[1]))), params);
      row = nobs[0];
      col = nobs[1];
    }
    if (value < rules.minDof) {
      out.add(Finding.cell(Rule.DOF, Status.FAIL, row, col,
          Detail.of("dof.table.few", ThresholdCheck.fmt(value), how, rules.minDof),
          Map.of("dof", value, "min_dof", rules.minDof)));
    }
  }

  /** Finds a labelled statistic: a row label or header naming it, with the number beside or below it. */
  private static int[] find(RawTable t, Pattern label) {
    for (int c = 0; c < t.columnCount(); c++) {
      if (label.matcher(t.header().get(c).strip()).matches()) {
        for (int r = 0; r < t.rowCount(); r++) {
          if (!Double.isNaN(Numbers.parse(t.cell(r, c)))) {
            return new int[] {r, c};
          }
        }
      }
    }
    for (int r = 0; r < t.rowCount(); r++) {
      for (int c = 0; c + 1 < t.columnCount(); c++) {
        if (label.matcher(t.cell(r, c).strip()).matches()) {
          for (int k = c + 1; k < t.columnCount(); k++) {
            if (!Double.isNaN(Numbers.parse(t.cell(r, k)))) {
              return new int[] {r, k};
            }
          }
        }
      }
    }
    return null;
  }

  private static int countParameters(RawTable t) {
    for (int c = 0; c < t.columnCount(); c++) {
      if (COEF.matcher(t.header().get(c).strip()).matches()) {
        int n = 0;
        for (int r = 0; r < t.rowCount(); r++) {
          String first = t.cell(r, 0).strip();
          if (c != 0 && (NOBS.matcher(first).matches() || DOF.matcher(first).matches())) {
            continue; // a summary row sharing the coefficient column, not a parameter
          }
          if (!Double.isNaN(Numbers.parse(t.cell(r, c)))) {
            n++;
          }
        }
        return n;
      }
    }
    return 0;
  }
}
