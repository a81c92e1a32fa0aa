package jp.enclave.checker.table;

import java.util.Locale;
import java.util.regex.Pattern;

/** What a measure column holds; decides which rules apply to its cells. */
public enum MeasureKind {
  COUNT, SUM, MEAN, MEDIAN, PERCENTILE, MIN, MAX, SD, PERCENT;

  private static final Pattern COUNT_NAME = Pattern.compile(
      "(?i)^(n|count|freq|frequency|persons|patients|people|cases|num(ber)?(_of)?_.*|n_.*|.*_n|.*_count|count_.*|"
          + "人数|件数|度数|患者数|例数|症例数|.*人数|.*件数)$");
  private static final Pattern SUM_NAME = Pattern.compile("(?i)^(sum|.*_sum|sum_.*|total_.*|.*_total|合計.+|.*総額|.*金額|.*点数)$");
  private static final Pattern MEAN_NAME = Pattern.compile("(?i)^(mean|avg|average|.*_mean|mean_.*|.*_avg|avg_.*|平均.*|.*平均)$");
  private static final Pattern MEDIAN_NAME = Pattern.compile("(?i)^(median|.*_median|median_.*|中央値.*|.*中央値)$");
  private static final Pattern PCT_NAME = Pattern.compile("(?i)^(p\\d{1,2}|q[13]|.*_p\\d{1,2}|p\\d{1,2}_.*|percentile.*|.*_percentile|quantile.*|.*パーセンタイル.*|.*分位.*)$");
  private static final Pattern MIN_NAME = Pattern.compile("(?i)^(min|minimum|.*_min|min_.*|最小.*|.*最小値)$");
  private static final Pattern MAX_NAME = Pattern.compile("(?i)^(max|maximum|.*_max|max_.*|最大.*|.*最大値)$");
  private static final Pattern SD_NAME = Pattern.compile("(?i)^(sd|std|stdev|std_dev|.*_sd|sd_.*|.*_std|std_.*|標準偏差.*|.*標準偏差)$");
  private static final Pattern PERCENT_NAME = Pattern.compile("(?i)^(%|pct|percent|percentage|rate|ratio|prop|proportion|.*_pct|pct_.*|.*_rate|.*割合|.*率|.*%)$");

  /** Additive kinds can appear in margins, so suppressed cells can be recomputed from them. */
  public boolean additive() {
    return this == COUNT || this == SUM;
  }

  /** Kinds whose value is one observed value (or close to it), so its holders must be counted. */
  public boolean isOrderStatistic() {
    return this == MIN || this == MAX || this == MEDIAN || this == PERCENTILE;
  }

  public boolean dominanceApplies() {
    return this == SUM || this == MEAN;
  }

  public static MeasureKind fromName(String column) {
    String c = column.strip();
    if (COUNT_NAME.matcher(c).matches()) {
      return COUNT;
    }
    if (MEDIAN_NAME.matcher(c).matches()) {
      return MEDIAN;
    }
    if (MIN_NAME.matcher(c).matches()) {
      return MIN;
    }
    if (MAX_NAME.matcher(c).matches()) {
      return MAX;
    }
    if (SD_NAME.matcher(c).matches()) {
      return SD;
    }
    if (MEAN_NAME.matcher(c).matches()) {
      return MEAN;
    }
    if (PCT_NAME.matcher(c).matches()) {
      return PERCENTILE;
    }
    if (PERCENT_NAME.matcher(c).matches()) {
      return PERCENT;
    }
    if (SUM_NAME.matcher(c).matches()) {
      return SUM;
    }
    return null;
  }

  public static MeasureKind parse(String declared) {
    String k = declared == null ? "" : declared.trim().toLowerCase(Locale.ROOT);
    switch (k) {
      case "count": case "n": case "frequency": return COUNT;
      case "sum": case "total": return SUM;
      case "mean": case "avg": case "average": return MEAN;
      case "median": return MEDIAN;
      case "percentile": case "quantile": return PERCENTILE;
      case "min": case "minimum": return MIN;
      case "max": case "maximum": return MAX;
      case "sd": case "std": return SD;
      case "percent": case "rate": case "ratio": return PERCENT;
      default: return null;
    }
  }
}
