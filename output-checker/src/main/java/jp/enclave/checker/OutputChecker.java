package jp.enclave.checker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import jp.enclave.checker.history.DifferencingCheck;
import jp.enclave.checker.history.ReleaseHistory;
import jp.enclave.checker.input.FileKind;
import jp.enclave.checker.input.InputLimits;
import jp.enclave.checker.input.InputRefusal;
import jp.enclave.checker.input.RawTable;
import jp.enclave.checker.input.TableReader;
import jp.enclave.checker.provenance.CitedQueries;
import jp.enclave.checker.provenance.CitedQuery;
import jp.enclave.checker.provenance.ProvenanceMatcher;
import jp.enclave.checker.provenance.ProvenanceRecomputer;
import jp.enclave.checker.provenance.ProvenanceRefusal;
import jp.enclave.checker.provenance.ProvenanceResult;
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
import jp.enclave.checker.suppression.SecondarySuppressor;
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

  private static final java.util.regex.Pattern SVG_EVENT_HANDLER = java.util.regex.Pattern.compile("\\son[a-z]+\\s*=");

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
    List<String> provenance = new ArrayList<>();
    try {
      Path file = resolve(request.folder(), item.file());
      switch (item.type()) {
        case FREQUENCY:
        case MAGNITUDE:
          return checkTable(request, item, item.type(), file, item.file(), findings, provenance);
        case SURVIVAL:
          return checkSurvival(item, file, findings);
        case REGRESSION: {
          RawTable raw = new TableReader(limits).read(file, item.file());
          PseudonymCheck.checkTable(raw, pseudonyms, findings);
          DofCheck.check(raw, rules, findings);
          return result(item, findings, raw, null, null, null, provenance, item.file(), Status.PASS);
        }
        case FIGURE:
          return checkFigure(request, item, file, findings, provenance);
        case CODE:
        case TEXT:
        default:
          return checkText(item, file, findings);
      }
    } catch (InputRefusal e) {
      findings.add(Finding.item(Rule.INPUT, Status.FAIL, e.describe()));
      return result(item, findings, null, null, null, null, provenance, item.file(), Status.FAIL);
    }
  }

  private ItemResult checkTable(ExportRequest request, ExportItem item, ItemType type, Path file, String name,
                                List<Finding> findings, List<String> provenance) throws InputRefusal {
    // Recomputation needs only the cited queries and the extract, not the file: it runs while the
    // file is read, and its findings join in the order a sequential check would give them.
    List<Finding> provenanceFindings = new ArrayList<>();
    List<String> provenanceNotes = new ArrayList<>();
    Future<List<ProvenanceResult>> pending = item.queries().isEmpty()
        ? CompletableFuture.completedFuture(List.of())
        : RECOMPUTE.submit(() -> recompute(request, item, provenanceFindings, provenanceNotes));
    RawTable raw;
    try {
      raw = new TableReader(limits).read(file, name);
    } catch (InputRefusal e) {
      await(pending);
      throw e;
    }
    PseudonymCheck.checkTable(raw, pseudonyms, findings);
    List<ProvenanceResult> recomputed = await(pending);
    findings.addAll(provenanceFindings);
    provenance.addAll(provenanceNotes);
    double personsBehind = Double.NaN;
    for (ProvenanceResult pr : recomputed) {
      personsBehind = Double.isNaN(personsBehind) ? pr.personsBehind() : Math.max(personsBehind, pr.personsBehind());
    }
    RecordLevelCheck.check(raw, rules, personsBehind, findings);
    StatTable stat;
    try {
      stat = new TableInterpreter(rules).interpret(raw, item, type);
    } catch (InputRefusal e) {
      findings.add(Finding.item(Rule.INPUT, Status.FAIL, e.describe()));
      return result(item, findings, raw, null, null, null, provenance, name, Status.FAIL);
    }
    for (String note : stat.notes()) {
      findings.add(Finding.item(Rule.SUPPRESSION_AUDIT, Status.PASS, note));
    }
    CellFacts facts = recomputed.isEmpty() ? ProvenanceMatcher.fileFacts(stat)
        : ProvenanceMatcher.match(stat, recomputed, rules, findings);
    for (TableCheck c : TABLE_CHECKS) {
      c.check(stat, facts, rules, findings);
    }
    DifferencingCheck.check(stat, history.released(request.projectId()), rules, findings);

    Map<Integer, Integer> measureOfColumn = new HashMap<>();
    for (int m = 0; m < stat.measures(); m++) {
      measureOfColumn.put(stat.measureColumn(m), m);
    }
    Set<Integer> primary = new LinkedHashSet<>();
    for (Finding f : findings) {
      if (f.isCell() && f.status() == Status.FAIL && Rule.suppressible(f.rule()) && measureOfColumn.containsKey(f.column())) {
        primary.add(stat.cellId(f.row(), measureOfColumn.get(f.column())));
      }
    }
    // In a long table every measure of a row describes the same group of persons: one failing
    // statistic takes the row's other statistics with it.
    if (!stat.isCrossTab()) {
      for (int id : new ArrayList<>(primary)) {
        int r = stat.rowOf(id);
        for (int m = 0; m < stat.measures(); m++) {
          int other = stat.cellId(r, m);
          if (!primary.contains(other) && !Double.isNaN(stat.value(other))) {
            primary.add(other);
            findings.add(Finding.cell(Rule.SECONDARY, Status.PASS, r, stat.measureColumn(m),
                "suppressed with its row: it describes the same group as a failing cell", Map.of()));
          }
        }
      }
    }
    SuppressionPlan plan = new SecondarySuppressor(rules).plan(stat, primary);
    for (int id : plan.secondary()) {
      findings.add(Finding.cell(Rule.SECONDARY, Status.PASS, stat.rowOf(id), stat.measureColumn(stat.measureOf(id)),
          "suppressed so that the failing cells cannot be recomputed from the table's totals", Map.of()));
    }
    if (!plan.complete() && !primary.isEmpty()) {
      findings.add(Finding.item(Rule.SUPPRESSION_AUDIT, Status.REVIEW, plan.note()));
    } else if (!plan.note().isEmpty()) {
      findings.add(Finding.item(Rule.SUPPRESSION_AUDIT, Status.PASS, plan.note()));
    }
    List<String[]> safe = null;
    if (!primary.isEmpty()) {
      safe = new ArrayList<>(raw.rowCount());
      for (int r = 0; r < raw.rowCount(); r++) {
        String[] row = raw.rows().get(r).clone();
        for (int m = 0; m < stat.measures(); m++) {
          if (plan.isSuppressed(stat.cellId(r, m))) {
            row[stat.measureColumn(m)] = rules.suppressionMarker;
          }
        }
        safe.add(row);
      }
    }
    return result(item, findings, raw, stat, plan, safe, provenance, name, Status.PASS);
  }

  private static final ExecutorService RECOMPUTE = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "provenance-recompute");
    t.setDaemon(true);
    return t;
  });

  private static List<ProvenanceResult> await(Future<List<ProvenanceResult>> pending) {
    try {
      return pending.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while recomputing provenance", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private List<ProvenanceResult> recompute(ExportRequest request, ExportItem item, List<Finding> findings,
                                           List<String> provenance) {
    List<ProvenanceResult> out = new ArrayList<>();
    for (String qid : item.queries()) {
      Optional<CitedQuery> q = queries.find(qid);
      if (q.isEmpty()) {
        findings.add(Finding.item(Rule.PROVENANCE, Status.FAIL,
            "cited query " + qid + " is not in the gateway's audit trail: the numbers cannot be traced to a query"));
        provenance.add(qid + ": unknown");
        continue;
      }
      if (!q.get().projectId().equals(request.projectId())) {
        findings.add(Finding.item(Rule.PROVENANCE, Status.FAIL,
            "cited query " + qid + " belongs to project " + q.get().projectId() + ", not to " + request.projectId()));
        provenance.add(qid + ": other project");
        continue;
      }
      if (extract == null) {
        findings.add(Finding.item(Rule.PROVENANCE, Status.REVIEW,
            "no connection to the project's extract is configured, so cited query " + qid + " could not be recomputed"));
        provenance.add(qid + ": not recomputed (no extract)");
        continue;
      }
      try {
        ProvenanceResult r = new ProvenanceRecomputer().recompute(q.get(), extract);
        out.add(r);
        provenance.add(qid + ": recomputed, " + r.cells().size() + " cells, " + fmt(r.personsBehind()) + " persons");
      } catch (ProvenanceRefusal e) {
        findings.add(Finding.item(Rule.PROVENANCE, Status.REVIEW, "cited query " + qid + ": " + e.getMessage()));
        provenance.add(qid + ": not recomputed");
      }
    }
    return out;
  }

  private ItemResult checkSurvival(ExportItem item, Path file, List<Finding> findings) throws InputRefusal {
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

  private ItemResult checkFigure(ExportRequest request, ExportItem item, Path file, List<Finding> findings,
                                 List<String> provenance) throws InputRefusal {
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
      String svg = readText(file, item.file());
      String lower = svg.toLowerCase(Locale.ROOT);
      if (lower.contains("<script") || lower.contains("javascript:") || SVG_EVENT_HANDLER.matcher(lower).find()
          || lower.contains("<foreignobject")) {
        findings.add(Finding.item(Rule.INPUT, Status.FAIL, "SVG_ACTIVE_CONTENT: " + item.file()
            + ": the SVG holds scripts, event handlers or embedded HTML; export a PNG or a plain SVG"));
      }
      PseudonymCheck.checkText(svg, item.file(), pseudonyms, findings);
    }
    if (item.table() == null) {
      findings.add(Finding.item(Rule.IMAGE, rules.figureWithoutTable,
          "a figure without its underlying table cannot be checked: attach the table it was drawn from"));
      return result(item, findings, null, null, null, null, provenance, item.file(), Status.PASS);
    }
    Path table = resolve(request.folder(), item.table());
    ItemType tt = item.tableType() == null ? ItemType.FREQUENCY : item.tableType();
    ItemResult tableResult = checkTable(request, item, tt, table, item.table(), findings, provenance);
    return result(item, tableResult.findings(), tableResult.table(), tableResult.stat(), tableResult.plan(),
        tableResult.safeRows(), tableResult.provenance(), item.table(), Status.PASS);
  }

  private ItemResult checkText(ExportItem item, Path file, List<Finding> findings) throws InputRefusal {
    String text = readText(file, item.file());
    PseudonymCheck.checkText(text, item.file(), pseudonyms, findings);
    Status base = item.type() == ItemType.CODE ? rules.codeDefault : rules.textDefault;
    if (base != Status.PASS) {
      findings.add(Finding.item(Rule.MANUAL, base, item.type() == ItemType.CODE
          ? "code is reviewed by a person under the rules in force"
          : "free text can describe individuals; a reviewer reads it"));
    }
    return result(item, findings, null, null, null, null, List.of(), item.file(), Status.PASS);
  }

  /** Reads a text item strictly as UTF-8 within the limits, through the same guard as tables. */
  private String readText(Path file, String name) throws InputRefusal {
    try {
      if (!Files.isRegularFile(file)) {
        throw InputRefusal.notFound(name);
      }
      long size = Files.size(file);
      if (size > limits.maxFileBytes()) {
        throw InputRefusal.tooLarge(name, size, limits.maxFileBytes());
      }
      FileKind kind = FileKind.sniff(file);
      if (kind == FileKind.ZIP) {
        jp.enclave.checker.input.ContainerGuard.inspect(file, name, limits);
        throw InputRefusal.unsupported(name, "archives are not exported as code or text; export the files themselves");
      }
      if (kind == FileKind.UNKNOWN_BINARY || kind == FileKind.PARQUET || (kind.isImage() && kind != FileKind.SVG)) {
        throw InputRefusal.unsupported(name, "the file is binary, not text");
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readAllBytes();
      }
      var decoder = StandardCharsets.UTF_8.newDecoder();
      try {
        return decoder.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        long offset = firstInvalidUtf8(bytes);
        long line = 1;
        for (int i = 0; i < offset; i++) {
          if (bytes[i] == '\n') {
            line++;
          }
        }
        throw InputRefusal.badEncoding(name, offset, line, "");
      }
    } catch (IOException e) {
      throw InputRefusal.io(name, e.getClass().getSimpleName());
    }
  }

  private static long firstInvalidUtf8(byte[] b) {
    var dec = StandardCharsets.UTF_8.newDecoder();
    var in = java.nio.ByteBuffer.wrap(b);
    var out = java.nio.CharBuffer.allocate(b.length + 1);
    var res = dec.decode(in, out, true);
    return res.isError() ? in.position() : b.length;
  }

  /** Files must stay inside the request folder, also through symbolic links. */
  private static Path resolve(Path folder, String name) throws InputRefusal {
    Path base = folder.toAbsolutePath().normalize();
    Path p = base.resolve(name).normalize();
    if (!p.startsWith(base)) {
      throw InputRefusal.outsideRequest(name);
    }
    if (!Files.exists(p)) {
      throw InputRefusal.notFound(name);
    }
    try {
      if (!p.toRealPath().startsWith(base.toRealPath())) {
        throw InputRefusal.outsideRequest(name);
      }
    } catch (IOException e) {
      throw InputRefusal.io(name, e.getClass().getSimpleName());
    }
    return p;
  }

  private static ItemResult result(ExportItem item, List<Finding> findings, RawTable raw, StatTable stat, SuppressionPlan plan,
                                   List<String[]> safe, List<String> provenance, String checkedFile, Status floor) {
    Status s = floor;
    for (Finding f : findings) {
      if (f.affectsVerdict()) {
        s = s.worst(f.status());
      }
    }
    return new ItemResult(item, s, findings, raw, stat, plan, safe, provenance, checkedFile);
  }

  private static String fmt(double d) {
    return Double.isNaN(d) ? "?" : d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

}
