package jp.enclave.checker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import jp.enclave.checker.history.DifferencingCheck;
import jp.enclave.checker.history.ReleaseHistory;
import jp.enclave.checker.input.FileKind;
import jp.enclave.checker.input.InputLimits;
import jp.enclave.checker.input.InputRefusal;
import jp.enclave.checker.input.RawTable;
import jp.enclave.checker.input.RequestFiles;
import jp.enclave.checker.input.SvgGuard;
import jp.enclave.checker.input.TableReader;
import jp.enclave.checker.input.TextFiles;
import jp.enclave.checker.model.ModelSummary;
import jp.enclave.checker.model.ModelSummaryParser;
import jp.enclave.checker.provenance.CitedQueries;
import jp.enclave.checker.provenance.ProvenanceMatcher;
import jp.enclave.checker.provenance.ProvenanceStage;
import jp.enclave.checker.pseudonyms.PseudonymSet;
import jp.enclave.checker.report.CheckReport;
import jp.enclave.checker.report.ItemResult;
import jp.enclave.checker.request.ExportItem;
import jp.enclave.checker.request.ExportRequest;
import jp.enclave.checker.request.ItemType;
import jp.enclave.checker.rules.CellFacts;
import jp.enclave.checker.rules.CellValueCheck;
import jp.enclave.checker.rules.DofCheck;
import jp.enclave.checker.rules.DominanceCheck;
import jp.enclave.checker.rules.ExtremeValueCheck;
import jp.enclave.checker.rules.Finding;
import jp.enclave.checker.rules.PseudonymCheck;
import jp.enclave.checker.rules.RecordLevelCheck;
import jp.enclave.checker.rules.Rule;
import jp.enclave.checker.rules.RuleSet;
import jp.enclave.checker.rules.Status;
import jp.enclave.checker.rules.SurvivalCheck;
import jp.enclave.checker.rules.TableCheck;
import jp.enclave.checker.rules.ThresholdCheck;
import jp.enclave.checker.suppression.SafeTable;
import jp.enclave.checker.suppression.SuppressionPlan;
import jp.enclave.checker.table.StatTable;
import jp.enclave.checker.table.TableInterpreter;

/**
 * The output checker: give it an export request, get a verdict per item with reasons per cell
 * and a suggested safe version. Immutable; configure with the withX methods. It never writes to
 * the request's folder; the reports are written by {@link jp.enclave.checker.report.ReportWriter}.
 */
public final class OutputChecker {
  private static final List<TableCheck> TABLE_CHECKS =
      List.of(new ThresholdCheck(), new DominanceCheck(), new ExtremeValueCheck(), new CellValueCheck());

  private final RuleSet rules;
  private final InputLimits limits;
  private final CitedQueries queries;
  private final Connection extract;
  private final ReleaseHistory history;
  private final PseudonymSet pseudonyms;

  private OutputChecker(RuleSet rules, InputLimits limits, CitedQueries queries, Connection extract, ReleaseHistory history,
                        PseudonymSet pseudonyms) {
    this.rules = rules;
    this.limits = limits;
    this.queries = queries;
    this.extract = extract;
    this.history = history;
    this.pseudonyms = pseudonyms;
  }

  /** Default rules and limits; no provenance, no release history, no pseudonym set. */
  public static OutputChecker create() {
    return new OutputChecker(RuleSet.defaults(), InputLimits.defaults(), CitedQueries.none(), null, ReleaseHistory.none(),
        PseudonymSet.empty());
  }

  public OutputChecker withRules(RuleSet r) { return new OutputChecker(r, limits, queries, extract, history, pseudonyms); }
  public OutputChecker withLimits(InputLimits l) { return new OutputChecker(rules, l, queries, extract, history, pseudonyms); }
  public OutputChecker withHistory(ReleaseHistory h) { return new OutputChecker(rules, limits, queries, extract, h, pseudonyms); }
  public OutputChecker withPseudonyms(PseudonymSet p) { return new OutputChecker(rules, limits, queries, extract, history, p); }

  /**
   * Provenance: cited queries are looked up in {@code q} and recomputed on {@code projectExtract},
   * a connection to the project's DuckDB extract (read-only is enough and advised).
   */
  public OutputChecker withProvenance(CitedQueries q, Connection projectExtract) {
    return new OutputChecker(rules, limits, q, projectExtract, history, pseudonyms);
  }

  public RuleSet rules() { return rules; }

  public CheckReport check(ExportRequest request) {
    List<ItemResult> results = new ArrayList<>();
    for (ExportItem item : request.items()) {
      results.add(checkItem(request, item));
    }
    return new CheckReport(request, rules, results, Instant.now());
  }

  public ItemResult checkItem(ExportRequest request, ExportItem item) {
    List<Finding> findings = new ArrayList<>();
    List<Detail> provenance = new ArrayList<>();
    try {
      Path file = RequestFiles.resolve(request.folder(), item.file());
      switch (item.type()) {
        case FREQUENCY:
        case MAGNITUDE:
          return checkTable(request, item, item.type(), file, item.file(), findings, provenance);
        case SURVIVAL:
          return checkSurvival(item, file, findings);
        case REGRESSION:
          return checkRegression(item, file, findings);
        case FIGURE:
          return checkFigure(request, item, file, findings, provenance);
        case CODE:
        case TEXT:
        default:
          return checkText(item, file, findings);
      }
    } catch (Refusal e) {
      findings.add(Finding.item(Rule.INPUT, Status.FAIL, Detail.refusal(e)));
      return result(item, findings, null, null, null, null, provenance, item.file(), Status.PASS);
    }
  }

  /** Frequency and magnitude tables: read, recompute, interpret, apply the rules, plan suppression. */
  private ItemResult checkTable(ExportRequest request, ExportItem item, ItemType type, Path file, String name,
                                List<Finding> findings, List<Detail> provenance) throws Refusal {
    ProvenanceStage.Pending pending = new ProvenanceStage(queries, extract).start(request.projectId(), item.queries());
    RawTable raw;
    try {
      raw = new TableReader(limits).read(file, name);
    } catch (Refusal e) {
      pending.await();
      throw e;
    }
    PseudonymCheck.checkTable(raw, pseudonyms, findings);
    ProvenanceStage.Outcome recomputed = pending.await();
    findings.addAll(recomputed.findings());
    provenance.addAll(recomputed.notes());
    RecordLevelCheck.check(raw, rules, recomputed.personsBehind(), findings);
    StatTable stat;
    try {
      stat = new TableInterpreter(marginsOf(recomputed)).interpret(raw, item, type);
    } catch (Refusal e) {
      findings.add(Finding.item(Rule.INPUT, Status.FAIL, Detail.refusal(e)));
      return result(item, findings, raw, null, null, null, provenance, name, Status.PASS);
    }
    for (Detail note : stat.notes()) {
      findings.add(Finding.item(Rule.SUPPRESSION_AUDIT, Status.PASS, note));
    }
    for (Detail doubt : stat.doubts()) {
      findings.add(Finding.item(Rule.TABLE_SHAPE, Status.REVIEW, doubt));
    }
    CellFacts facts = recomputed.results().isEmpty() ? ProvenanceMatcher.fileFacts(stat)
        : ProvenanceMatcher.match(stat, recomputed.results(), rules, findings);
    for (TableCheck c : TABLE_CHECKS) {
      c.check(stat, facts, rules, findings);
    }
    DifferencingCheck.check(stat, history.released(request.projectId()), rules, findings);
    SafeTable safe = SafeTable.plan(stat, findings, rules);
    return result(item, findings, raw, stat, safe.plan(), safe.rows(), provenance, name, Status.PASS);
  }

  /** ROLLUP, CUBE and GROUPING SETS margins come with NULL keys: empty or NA labels are margins then. */
  private RuleSet marginsOf(ProvenanceStage.Outcome recomputed) {
    boolean groupingSets = recomputed.results().stream().anyMatch(r -> r.query().hasGroupingSets());
    return groupingSets ? rules.withTotalLabels(List.of("", "NA", "NULL", "<NA>", "NaN")) : rules;
  }

  private ItemResult checkSurvival(ExportItem item, Path file, List<Finding> findings) throws Refusal {
    RawTable raw = new TableReader(limits).read(file, item.file());
    PseudonymCheck.checkTable(raw, pseudonyms, findings);
    RecordLevelCheck.check(raw, rules, Double.NaN, findings);
    SurvivalCheck.check(raw, rules, findings);
    Set<Integer> failingRows = new LinkedHashSet<>();
    for (Finding f : findings) {
      if (f.rule().equals(Rule.SURVIVAL) && f.isCell()) {
        failingRows.add(f.row());
      }
    }
    List<String[]> safe = null;
    if (!failingRows.isEmpty()) {
      // Truncate the curve: drop every step from the first one below the at-risk threshold on.
      int first = failingRows.stream().mapToInt(Integer::intValue).min().orElse(raw.rowCount());
      safe = new ArrayList<>(raw.rows().subList(0, first));
    }
    return result(item, findings, raw, null, null, safe, List.of(), item.file(), Status.PASS);
  }

  /**
   * A model summary as statsmodels or R prints it (text), or a table of estimates (CSV, TSV,
   * Parquet): the residual degrees of freedom are read and the rule applied.
   */
  private ItemResult checkRegression(ExportItem item, Path file, List<Finding> findings) throws Refusal {
    if (isPrintedText(file, item.file())) {
      String text = TextFiles.read(file, item.file(), limits);
      PseudonymCheck.checkText(text, item.file(), pseudonyms, findings);
      List<ModelSummary> models = ModelSummaryParser.parse(text);
      if (!models.isEmpty()) {
        DofCheck.check(models, rules, findings);
        return result(item, findings, null, null, null, null, List.of(), item.file(), Status.PASS);
      }
      try {
        return checkEstimatesTable(item, file, findings);
      } catch (Refusal notATable) {
        // Printed text in a layout the checker does not know: a person reads it, nothing fails on a guess.
        findings.add(Finding.item(Rule.DOF, Status.REVIEW, Detail.of("dof.unreadableSummary")));
        return result(item, findings, null, null, null, null, List.of(), item.file(), Status.PASS);
      }
    }
    return checkEstimatesTable(item, file, findings);
  }

  /** A table of estimates (CSV, TSV, Parquet) with df or observations in a row or column. */
  private ItemResult checkEstimatesTable(ExportItem item, Path file, List<Finding> findings) throws Refusal {
    RawTable raw = new TableReader(limits).read(file, item.file());
    PseudonymCheck.checkTable(raw, pseudonyms, findings);
    DofCheck.check(raw, rules, findings);
    return result(item, findings, raw, null, null, null, List.of(), item.file(), Status.PASS);
  }

  private static boolean isPrintedText(Path file, String name) throws Refusal {
    try {
      FileKind kind = FileKind.sniff(file);
      String lower = name.toLowerCase(Locale.ROOT);
      return kind == FileKind.TEXT || (kind != FileKind.PARQUET && (lower.endsWith(".txt") || lower.endsWith(".log")));
    } catch (IOException e) {
      throw InputRefusal.io(name, e.getClass().getSimpleName());
    }
  }

  private ItemResult checkFigure(ExportRequest request, ExportItem item, Path file, List<Finding> findings,
                                 List<Detail> provenance) throws Refusal {
    FileKind kind;
    try {
      kind = FileKind.sniff(file);
      if (Files.size(file) > limits.maxFileBytes()) {
        throw InputRefusal.tooLarge(item.file(), Files.size(file), limits.maxFileBytes());
      }
    } catch (IOException e) {
      throw InputRefusal.io(item.file(), e.getClass().getSimpleName());
    }
    if (!kind.isImage()) {
      throw InputRefusal.unsupported(item.file(), "a figure must be a PNG, JPEG, GIF, SVG or PDF image, not "
          + kind.name().toLowerCase(Locale.ROOT));
    }
    if (kind == FileKind.SVG) {
      String svg = TextFiles.read(file, item.file(), limits);
      SvgGuard.activeContent(svg, item.file()).ifPresent(m -> findings.add(Finding.item(Rule.INPUT, Status.FAIL, m)));
      PseudonymCheck.checkText(svg, item.file(), pseudonyms, findings);
    }
    if (item.table() == null) {
      findings.add(Finding.item(Rule.IMAGE, rules.figureWithoutTable,
          Detail.of("figure.noTable")));
      return result(item, findings, null, null, null, null, provenance, item.file(), Status.PASS);
    }
    Path table = RequestFiles.resolve(request.folder(), item.table());
    ItemType tt = item.tableType() == null ? ItemType.FREQUENCY : item.tableType();
    ItemResult tableResult = checkTable(request, item, tt, table, item.table(), findings, provenance);
    return result(item, tableResult.findings(), tableResult.table(), tableResult.stat(), tableResult.plan(),
        tableResult.safeRows(), tableResult.provenance(), item.table(), Status.PASS);
  }

  private ItemResult checkText(ExportItem item, Path file, List<Finding> findings) throws Refusal {
    String text = TextFiles.read(file, item.file(), limits);
    PseudonymCheck.checkText(text, item.file(), pseudonyms, findings);
    Status base = item.type() == ItemType.CODE ? rules.codeDefault : rules.textDefault;
    if (base != Status.PASS) {
      findings.add(Finding.item(Rule.MANUAL, base, Detail.of(item.type() == ItemType.CODE ? "manual.code" : "manual.text")));
    }
    return result(item, findings, null, null, null, null, List.of(), item.file(), Status.PASS);
  }

  private static ItemResult result(ExportItem item, List<Finding> findings, RawTable raw, StatTable stat, SuppressionPlan plan,
                                   List<String[]> safe, List<Detail> provenance, String checkedFile, Status floor) {
    Status s = floor;
    for (Finding f : findings) {
      if (f.affectsVerdict()) {
        s = s.worst(f.status());
      }
    }
    return new ItemResult(item, s, findings, raw, stat, plan, safe, provenance, checkedFile);
  }


}
