package jp.enclave.server.airlock;

import java.util.Map;

/**
 * What one run of the output checker returned: a verdict per item, the suggested safe versions it
 * could prove, and its reports (HTML for reviewers in English and, when the checker wrote it,
 * Japanese; results.json with the flagged cells).
 */
public record CheckOutcome(Map<String, Verdict> verdicts, Map<String, byte[]> safeVersions, String reportHtml,
    String reportHtmlJa, String resultsJson) {
  public CheckOutcome {
    verdicts = Map.copyOf(verdicts);
    safeVersions = Map.copyOf(safeVersions);
  }

  /** A check with its report in English only. */
  public CheckOutcome(Map<String, Verdict> verdicts, Map<String, byte[]> safeVersions, String reportHtml, String resultsJson) {
    this(verdicts, safeVersions, reportHtml, null, resultsJson);
  }
}
