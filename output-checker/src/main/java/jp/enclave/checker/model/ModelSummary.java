package jp.enclave.checker.model;

import jp.enclave.checker.Detail;

/**
 * What one printed model summary states about its degrees of freedom: the residual df when it
 * says so, else observations (or, for a Cox model, events) and the number of estimated
 * coefficients. {@code line} is the 1-based line the decisive number was read from.
 *
 * @param format which printer wrote it, e.g. "statsmodels summary", "R lm", "R coxph"
 * @param residualDf stated residual degrees of freedom, or -1
 * @param observations stated observations (Cox: events), or -1
 * @param parameters coefficients counted in the coefficient table, or -1
 */
public record ModelSummary(String format, long residualDf, long observations, long parameters, int line, Detail basis) {

  /** Residual degrees of freedom as stated or as observations minus parameters; -1 when unknown. */
  public long effectiveDf() {
    if (residualDf >= 0) {
      return residualDf;
    }
    if (observations >= 0 && parameters > 0) {
      return observations - parameters;
    }
    return -1;
  }
}
