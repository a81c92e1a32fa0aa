package jp.enclave.checker.report;

import java.time.Instant;
import java.util.List;
import jp.enclave.checker.request.ExportRequest;
import jp.enclave.checker.rules.RuleSet;
import jp.enclave.checker.rules.Status;

/** The checker's answer to a whole export request. */
public record CheckReport(ExportRequest request, RuleSet rules, List<ItemResult> items, Instant checkedAt) {
  public CheckReport {
    items = List.copyOf(items);
  }

  public Status overall() {
    Status s = Status.PASS;
    for (ItemResult r : items) {
      s = s.worst(r.status());
    }
    return s;
  }
}
