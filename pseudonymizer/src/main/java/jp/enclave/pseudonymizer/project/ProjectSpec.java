package jp.enclave.pseudonymizer.project;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import jp.enclave.pseudonymizer.store.StoreTable;

/**
 * An approved project's data request: which tables and columns, which persons (cohort), which
 * period. Only an approved spec can be provisioned; {@link #problems()} lists every reason one
 * cannot, so a steward fixes them all at once.
 */
public record ProjectSpec(
    String projectId,
    String title,
    Approval approval,
    Map<String, List<String>> tables,
    Cohort cohort,
    Period period) {

  public record Approval(String status, String approvedBy, LocalDate approvedOn) {}

  /** Persons with any diagnosis whose ICD-10 starts with one of the prefixes (all if empty). */
  public record Cohort(List<String> diagnosisIcd10Prefixes, String sex, LocalDate bornFrom, LocalDate bornTo) {
    public List<String> prefixes() {
      return diagnosisIcd10Prefixes == null ? List.of() : diagnosisIcd10Prefixes;
    }
  }

  public record Period(LocalDate from, LocalDate to) {}

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,40}");
  private static final Pattern ICD = Pattern.compile("[A-Z][0-9A-Z.]{0,6}");

  /** Every reason this spec cannot be provisioned; empty when it can. */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    if (projectId == null || !ID.matcher(projectId).matches()) {
      out.add("projectId '" + projectId + "' must be 2-41 of [a-z0-9-], starting with a letter or digit");
    }
    if (approval == null || !"approved".equals(approval.status())) {
      out.add("project is not approved (approval.status must be 'approved', is '"
          + (approval == null ? null : approval.status()) + "')");
    }
    if (tables == null || tables.isEmpty()) {
      out.add("tables: at least one table must be requested");
    } else {
      tables.forEach((name, columns) -> {
        var table = StoreTable.byName(name);
        if (table.isEmpty()) {
          out.add("tables." + name + ": no such table in the store");
          return;
        }
        if (columns == null || columns.isEmpty()) {
          out.add("tables." + name + ": list the columns, or [\"*\"] for all");
          return;
        }
        for (String col : columns) {
          if (!"*".equals(col) && table.get().columns().stream().noneMatch(c -> c.name().equals(col))) {
            out.add("tables." + name + ": no column '" + col + "'");
          }
        }
        if (!columns.contains("*") && !columns.contains("person_id")) {
          out.add("tables." + name + ": person_id is required (the output checker counts persons by it)");
        }
      });
    }
    if (cohort != null) {
      for (String p : cohort.prefixes()) {
        if (!ICD.matcher(p).matches()) {
          out.add("cohort.diagnosisIcd10Prefixes: '" + p + "' is not an ICD-10 code prefix");
        }
      }
      if (cohort.sex() != null && !List.of("M", "F").contains(cohort.sex())) {
        out.add("cohort.sex must be M or F, is '" + cohort.sex() + "'");
      }
    }
    if (period != null && period.from() != null && period.to() != null && period.from().isAfter(period.to())) {
      out.add("period.from " + period.from() + " is after period.to " + period.to());
    }
    return out;
  }

  /** The requested columns of a table, in store order, with "*" expanded. */
  public List<StoreTable.StoreColumn> columnsOf(StoreTable t) {
    List<String> wanted = tables.get(t.tableName());
    return t.columns().stream().filter(c -> wanted.contains("*") || wanted.contains(c.name())).toList();
  }
}
