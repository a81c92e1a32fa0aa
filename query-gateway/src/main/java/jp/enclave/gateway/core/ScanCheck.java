package jp.enclave.gateway.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The second, independent column check: DuckDB's own binder and planner say which base columns
 * the rewritten query scans. It shares nothing with {@link ColumnReads} but the catalog: it reads
 * the {@code Table} and {@code Projections} of every scan in {@code EXPLAIN (FORMAT JSON)}.
 *
 * <p>The plan comes from the execution worker's planning instance (an empty copy of the extract's
 * tables with every optimizer off except the removal of unused columns; see the worker's
 * PlanningDatabase), so the check holds no data and a query built to make planning explode meets
 * the worker's time and memory caps.
 * Anything in a plan it does not understand (a scan of an unknown table or column, a scan without
 * a projection list) is a refusal, never a pass.
 */
final class ScanCheck {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where plans come from: EXPLAIN (FORMAT JSON) of the text, as DuckDB prints it. */
  interface Planner {
    String explainJson(String duckSql);
  }

  private final ProjectCatalog catalog;

  ScanCheck(ProjectCatalog catalog) {
    this.catalog = catalog;
  }

  /**
   * Base columns per table (catalog spelling) that DuckDB would scan for {@code duckSql}. A plan
   * the check cannot read completely is refused.
   */
  Map<String, Set<String>> scannedColumns(String duckSql, Planner planner) {
    String plan = planner.explainJson(duckSql);
    Map<String, Set<String>> out = new TreeMap<>();
    try {
      walk(JSON.readTree(plan), out);
    } catch (java.io.IOException e) {
      throw unreadable("DuckDB's plan is not JSON");
    }
    return out;
  }

  private void walk(JsonNode node, Map<String, Set<String>> out) {
    if (node.isArray()) {
      node.forEach(n -> walk(n, out));
      return;
    }
    JsonNode info = node.path("extra_info");
    if (info.has("Table")) {
      scan(node.path("name").asText(), info, out);
    } else if (info.has("Function") && !info.path("Function").asText().isEmpty()) {
      // A table function in the plan: the shape check refuses these, so one here is a bug somewhere.
      throw unreadable("a table function (" + info.path("Function").asText() + ")");
    }
    walk(node.path("children"), out);
  }

  private void scan(String operator, JsonNode info, Map<String, Set<String>> out) {
    String qualified = info.path("Table").asText();
    String name = qualified.substring(qualified.lastIndexOf('.') + 1);
    ProjectCatalog.TableInfo table = catalog.table(name)
        .orElseThrow(() -> unreadable("a scan of " + qualified + " (" + operator + ")"));
    if (!info.has("Projections")) {
      throw unreadable("a scan of " + table.name() + " without a projection list (" + operator + ")");
    }
    Set<String> cols = out.computeIfAbsent(table.name(), k -> new LinkedHashSet<>());
    JsonNode projections = info.get("Projections");
    Iterator<JsonNode> it = projections.isArray() ? projections.elements() : java.util.List.of(projections).iterator();
    while (it.hasNext()) {
      for (String column : it.next().asText().split("\n")) {
        if (column.isBlank()) {
          continue;
        }
        cols.add(table.column(column.trim()).orElseThrow(
            () -> unreadable("a scan of " + table.name() + " reading " + column.trim())).name());
      }
    }
    // Filters pushed into a scan read their columns too; every column name in them counts.
    JsonNode filters = info.path("Filters");
    String text = filters.isArray() ? filters.toString() : filters.asText("");
    Matcher m = WORD.matcher(text);
    while (m.find()) {
      table.column(m.group()).ifPresent(c -> cols.add(c.name()));
    }
  }

  private static final Pattern WORD = Pattern.compile("[\\p{L}_][\\p{L}\\p{N}_]*");

  private static GatewayRefusal unreadable(String what) {
    return Refusals.denyPlanUnchecked(what);
  }

}
