package jp.enclave.checker.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules and thresholds in force for a dataset or project: the defaults in
 * {@code default-rules.yaml} with overrides layered on top. Immutable.
 */
public final class RuleSet {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final ObjectNode tree;

  public final int thresholdPersons;
  public final int thresholdContributors;
  public final int nkN;
  public final double nkK;
  public final double pRatio;
  public final int minDof;
  public final int minAtRisk;
  public final Status zeros;
  public final Status negatives;
  public final Status missing;
  public final int extremeMinHolders;
  public final boolean secondaryEnabled;
  public final double minIntervalCount;
  public final double minIntervalRelative;
  public final int maxAuditCells;
  public final int exactMaxCells;
  public final long exactTimeBudgetMillis;
  public final boolean differencingEnabled;
  public final double minKeyOverlap;
  public final double rowsToPersonsRatio;
  public final int minRowsForShapeChecks;
  public final Pattern idColumnPattern;
  public final double distinctIdShare;
  public final double exactDateShare;
  public final int freeTextMinChars;
  public final Status figureWithoutTable;
  public final Status textDefault;
  public final Status codeDefault;
  public final double provenanceTolerance;
  public final String suppressionMarker;
  public final Set<String> totalLabels;

  private RuleSet(ObjectNode tree) {
    this.tree = tree;
    thresholdPersons = positiveInt("threshold", "persons");
    thresholdContributors = positiveInt("threshold", "contributors");
    nkN = positiveInt("dominance", "nk_n");
    nkK = fraction("dominance", "nk_k");
    pRatio = fraction("dominance", "p_ratio");
    minDof = positiveInt("regression", "min_dof");
    minAtRisk = positiveInt("survival", "min_at_risk");
    zeros = Status.parse(text("cells", "zeros"), "cells.zeros");
    negatives = Status.parse(text("cells", "negatives"), "cells.negatives");
    missing = Status.parse(text("cells", "missing"), "cells.missing");
    extremeMinHolders = positiveInt("extremes", "min_holders");
    secondaryEnabled = tree.path("secondary_suppression").path("enabled").asBoolean();
    minIntervalCount = number("secondary_suppression", "min_interval_count");
    minIntervalRelative = number("secondary_suppression", "min_interval_relative");
    maxAuditCells = positiveInt("secondary_suppression", "max_audit_cells");
    exactMaxCells = positiveInt("secondary_suppression", "exact_max_cells");
    exactTimeBudgetMillis = positiveInt("secondary_suppression", "exact_time_budget_ms");
    differencingEnabled = tree.path("differencing").path("enabled").asBoolean();
    minKeyOverlap = fraction("differencing", "min_key_overlap");
    rowsToPersonsRatio = number("record_level", "rows_to_persons_ratio");
    minRowsForShapeChecks = positiveInt("record_level", "min_rows_for_shape_checks");
    idColumnPattern = Pattern.compile(text("record_level", "id_column_pattern"));
    distinctIdShare = fraction("record_level", "distinct_id_share");
    exactDateShare = fraction("record_level", "exact_date_share");
    freeTextMinChars = positiveInt("record_level", "free_text_min_chars");
    figureWithoutTable = Status.parse(text("items", "figure_without_table"), "items.figure_without_table");
    if (figureWithoutTable == Status.PASS) {
      throw new IllegalArgumentException("items.figure_without_table may not be pass: images never pass automatically");
    }
    textDefault = Status.parse(text("items", "text"), "items.text");
    codeDefault = Status.parse(text("items", "code"), "items.code");
    provenanceTolerance = number("provenance", "relative_tolerance");
    suppressionMarker = text("output", "suppression_marker");
    List<String> labels = new ArrayList<>();
    tree.path("total_labels").forEach(n -> labels.add(n.asText().strip().toLowerCase(Locale.ROOT)));
    totalLabels = Set.copyOf(labels);
  }

  /**
   * A margin label as R ({@code addmargins}: Sum), pandas ({@code margins=True}: All), Stata and
   * SAS (Total) or Japanese tables (合計, 計) print it; compared without case or surrounding space.
   */
  public boolean isTotalLabel(String cell) {
    return totalLabels.contains(cell.strip().toLowerCase(Locale.ROOT));
  }

  /**
   * A copy where the given labels also mark margins: a query with ROLLUP, CUBE or GROUPING SETS
   * prints its margin rows with NULL keys, which an export shows as an empty cell or NA.
   */
  public RuleSet withTotalLabels(List<String> extra) {
    ObjectNode copy = tree.deepCopy();
    var labels = copy.withArray("total_labels");
    extra.forEach(labels::add);
    return new RuleSet(copy);
  }

  /** The built-in defaults. */
  public static RuleSet defaults() {
    try (InputStream in = RuleSet.class.getResourceAsStream("default-rules.yaml")) {
      if (in == null) {
        throw new IllegalStateException("default-rules.yaml is missing from the classpath");
      }
      return new RuleSet((ObjectNode) YAML.readTree(in));
    } catch (IOException e) {
      throw new IllegalStateException("default-rules.yaml cannot be read", e);
    }
  }

  /** A copy with the keys of a YAML override file applied. */
  public RuleSet withOverrides(Path yaml) throws IOException {
    JsonNode over = YAML.readTree(Files.readAllBytes(yaml));
    if (over == null || over.isNull() || over.isMissingNode()) {
      return this;
    }
    return withOverrides(over, yaml.getFileName().toString());
  }

  /** A copy with the given keys replaced, e.g. {@code Map.of("threshold", Map.of("persons", 5))}. */
  public RuleSet withOverrides(Map<String, ?> overrides) {
    return withOverrides(YAML.valueToTree(overrides), "overrides");
  }

  private RuleSet withOverrides(JsonNode over, String source) {
    if (!over.isObject()) {
      throw new IllegalArgumentException(source + ": rule overrides must be a mapping");
    }
    ObjectNode copy = tree.deepCopy();
    merge(copy, (ObjectNode) over, "", source);
    return new RuleSet(copy);
  }

  private static void merge(ObjectNode base, ObjectNode over, String path, String source) {
    Iterator<Map.Entry<String, JsonNode>> it = over.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = path + e.getKey();
      JsonNode current = base.get(e.getKey());
      if (current == null) {
        throw new IllegalArgumentException(source + ": unknown rule key '" + key + "'");
      }
      if (current.isObject()) {
        if (!e.getValue().isObject()) {
          throw new IllegalArgumentException(source + ": '" + key + "' must be a mapping");
        }
        merge((ObjectNode) current, (ObjectNode) e.getValue(), key + ".", source);
      } else {
        base.set(e.getKey(), e.getValue());
      }
    }
  }

  /** The rules in force as a plain tree, for the report's "properties". */
  public JsonNode asTree() {
    return tree.deepCopy();
  }

  private String text(String section, String key) {
    JsonNode n = tree.path(section).path(key);
    if (!n.isValueNode()) {
      throw new IllegalArgumentException(section + "." + key + " is missing");
    }
    return n.asText();
  }

  private double number(String section, String key) {
    JsonNode n = tree.path(section).path(key);
    if (!n.isNumber() || n.asDouble() < 0) {
      throw new IllegalArgumentException(section + "." + key + " must be a non-negative number");
    }
    return n.asDouble();
  }

  private int positiveInt(String section, String key) {
    JsonNode n = tree.path(section).path(key);
    if (!n.canConvertToInt() || n.asInt() < 1) {
      throw new IllegalArgumentException(section + "." + key + " must be a positive integer");
    }
    return n.asInt();
  }

  private double fraction(String section, String key) {
    double v = number(section, key);
    if (v > 1) {
      throw new IllegalArgumentException(section + "." + key + " must be between 0 and 1");
    }
    return v;
  }
}
