package jp.enclave.checker.rules;

/**
 * Stable rule names as they appear in reports. Where ACRO has a name (results.json "sdc" keys),
 * the same word is used so SACRO-Viewer groups our cells like ACRO's.
 */
public final class Rule {
  private Rule() {}

  public static final String THRESHOLD = "threshold";
  public static final String P_RATIO = "p-ratio";
  public static final String NK_RULE = "nk-rule";
  public static final String NEGATIVE = "negative";
  public static final String MISSING = "missing";
  public static final String ZERO = "zero";
  public static final String EXTREME = "extreme-value";
  public static final String DOF = "dof";
  public static final String SURVIVAL = "survival-at-risk";
  public static final String SECONDARY = "secondary";
  public static final String DIFFERENCING = "differencing";
  public static final String RECORD_LEVEL = "record-level";
  public static final String PSEUDONYM = "pseudonym";
  public static final String PROVENANCE_MISMATCH = "provenance-mismatch";
  public static final String PROVENANCE = "provenance";
  public static final String CONTRIBUTORS_UNKNOWN = "contributors-unknown";
  public static final String IMAGE = "image-without-table";
  public static final String MANUAL = "manual-review";
  public static final String INPUT = "input";
  public static final String SUPPRESSION_AUDIT = "suppression-audit";
  /** An undeclared table whose labels and measures cannot be told apart with confidence. */
  public static final String TABLE_SHAPE = "table-shape";

  /** Rules whose failing cells are removed by suppression in the suggested safe table. */
  public static boolean suppressible(String rule) {
    return rule.equals(THRESHOLD) || rule.equals(P_RATIO) || rule.equals(NK_RULE) || rule.equals(EXTREME)
        || rule.equals(DIFFERENCING) || rule.equals(SURVIVAL);
  }
}
