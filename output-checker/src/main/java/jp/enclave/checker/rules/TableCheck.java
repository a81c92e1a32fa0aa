package jp.enclave.checker.rules;

import java.util.List;
import jp.enclave.checker.table.StatTable;

/** One rule applied to a table's cells. Small, named, and told everything it may use. */
public interface TableCheck {
  String rule();

  void check(StatTable table, CellFacts facts, RuleSet rules, List<Finding> out);
}
