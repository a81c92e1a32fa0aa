package jp.enclave.checker.report;

import java.util.List;
import jp.enclave.checker.Detail;
import jp.enclave.checker.input.RawTable;
import jp.enclave.checker.request.ExportItem;
import jp.enclave.checker.rules.Finding;
import jp.enclave.checker.rules.Status;
import jp.enclave.checker.suppression.SuppressionPlan;
import jp.enclave.checker.table.StatTable;

/**
 * The verdict on one export item and everything behind it.
 *
 * @param table       the table judged (the item's file, or a figure's underlying table), or null
 * @param stat        its statistical reading, or null when it could not be read as one
 * @param plan        suppression plan for the safe version, or null
 * @param safeRows    the suggested safe version's rows (header excluded), or null when none applies
 * @param provenance  one line per cited query saying whether it was recomputed
 */
public record ItemResult(ExportItem item, Status status, List<Finding> findings, RawTable table, StatTable stat,
                         SuppressionPlan plan, List<String[]> safeRows, List<Detail> provenance, String checkedFile) {
  public ItemResult {
    findings = List.copyOf(findings);
    provenance = List.copyOf(provenance);
  }

  public List<Finding> cellFindings() {
    return findings.stream().filter(Finding::isCell).toList();
  }
}
