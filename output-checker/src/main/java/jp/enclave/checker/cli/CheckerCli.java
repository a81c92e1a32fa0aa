package jp.enclave.checker.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import jp.enclave.checker.OutputChecker;
import jp.enclave.checker.Refusal;
import jp.enclave.checker.extract.ProjectExtract;
import jp.enclave.checker.history.DirectoryReleaseHistory;
import jp.enclave.checker.input.InputLimits;
import jp.enclave.checker.provenance.CitedQueries;
import jp.enclave.checker.pseudonyms.PseudonymSet;
import jp.enclave.checker.report.CheckReport;
import jp.enclave.checker.report.ItemResult;
import jp.enclave.checker.report.ReportWriter;
import jp.enclave.checker.request.ExportRequest;
import jp.enclave.checker.request.RequestParser;
import jp.enclave.checker.rules.RuleSet;
import jp.enclave.checker.rules.Status;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code output-checker check --request request.json --out dir}. Exit code: 0 every item passes,
 * 1 something needs review, 2 something fails, 3 the request or an option is unusable.
 */
@Command(name = "output-checker", mixinStandardHelpOptions = true, version = "output-checker 0.1.0",
    subcommands = {CheckerCli.Check.class}, description = "Statistical disclosure control for export requests.")
public final class CheckerCli implements Callable<Integer> {

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 3;
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the CLI with the given streams; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new CheckerCli());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExitCodeExceptionMapper(e -> 3);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      // Never a stack trace to a user: name what failed and why.
      err.println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return 3;
    });
    cl.setParameterExceptionHandler((e, a) -> {
      err.println("error: " + e.getMessage());
      e.getCommandLine().usage(err);
      return 3;
    });
    return cl.execute(args);
  }

  @Command(name = "check", mixinStandardHelpOptions = true, description = "Check an export request and write the reports.")
  static final class Check implements Callable<Integer> {
    @Option(names = "--request", required = true, description = "request.json listing the items")
    Path request;

    @Option(names = "--out", required = true, description = "folder for results.json, report.html and safe versions")
    Path out;

    @Option(names = "--rules", description = "YAML rule overrides (dataset, then project); may repeat")
    List<Path> rules = new ArrayList<>();

    @Option(names = "--extract-home", description = "home holding the extract key set and sealed extracts "
        + "(kek/extract.kek, keys/extract/, extracts/); only the request's project's extract is opened, into private "
        + "RAM scratch, locked down, for provenance and pseudonyms")
    Path extractHome;

    @Option(names = "--queries", description = "JSON of cited queries: {id: {project_id, user, sql}}")
    Path queries;

    @Option(names = "--gateway-audit", description = "the query gateway's audit trail: cited query IDs are looked up "
        + "there (chain verified first; only completed queries can be cited)")
    Path gatewayAudit;

    @Option(names = "--released", description = "folder of released tables: <folder>/<project>/<release>.csv")
    Path released;

    @Option(names = "--max-file-bytes", description = "largest file read (default ${DEFAULT-VALUE})", defaultValue = "268435456")
    long maxFileBytes;

    @Option(names = "--max-rows", description = "most rows read per table (default ${DEFAULT-VALUE})", defaultValue = "5000000")
    long maxRows;

    @Option(names = "--max-uncompressed-bytes", description = "largest expansion of a container or Parquet file (default ${DEFAULT-VALUE})",
        defaultValue = "1073741824")
    long maxUncompressed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      try {
        ExportRequest req = new RequestParser().parse(request);
        RuleSet rs = rulesInForce();
        InputLimits limits = InputLimits.defaults().withMaxFileBytes(maxFileBytes).withMaxRows(maxRows)
            .withMaxUncompressedBytes(maxUncompressed);
        OutputChecker checker = OutputChecker.create().withRules(rs).withLimits(limits);
        DirectoryReleaseHistory history = released == null ? null : new DirectoryReleaseHistory(released, limits, rs);
        if (history != null) {
          checker = checker.withHistory(history);
        }
        CitedQueries cited = citedQueries();
        // Only the request's project's extract, opened sealed into RAM scratch; closing removes the plaintext.
        try (ProjectExtract extract = extractHome == null ? null : ProjectExtract.open(extractHome, req.projectId())) {
          Connection conn = extract == null ? null : extract.connection();
          if (conn != null) {
            checker = checker.withPseudonyms(PseudonymSet.fromExtract(conn));
          }
          CheckReport report = checker.withProvenance(cited, conn).check(req);
          new ReportWriter().write(report, this.out);
          return printVerdicts(report, history);
        }
      } catch (Refusal e) {
        err.println("error: " + e.describe());
        return 3;
      }
    }

    private RuleSet rulesInForce() throws Refusal {
      RuleSet rs = RuleSet.defaults();
      for (Path p : rules) {
        try {
          rs = rs.withOverrides(p);
        } catch (IllegalArgumentException | java.io.IOException e) {
          throw new Refusal("RULES_INVALID", p.toString(), "", e.getMessage());
        }
      }
      return rs;
    }

    private CitedQueries citedQueries() throws Refusal {
      if (gatewayAudit != null) {
        try {
          return jp.enclave.checker.provenance.GatewayAuditQueries.load(gatewayAudit);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
          throw new Refusal("GATEWAY_AUDIT_UNUSABLE", e.getMessage());
        }
      }
      try {
        return queries == null ? CitedQueries.none() : new FileCitedQueries(queries);
      } catch (java.io.IOException e) {
        throw new Refusal("QUERIES_UNUSABLE", queries.toString(), "", e.getMessage());
      }
    }

    /** One line per item and the overall verdict; the exit code 0 pass, 1 review, 2 fail. */
    private int printVerdicts(CheckReport report, DirectoryReleaseHistory history) {
      PrintWriter stdout = spec.commandLine().getOut();
      for (ItemResult r : report.items()) {
        stdout.printf("%-8s %-12s %s%n", r.status().word().toUpperCase(java.util.Locale.ROOT), r.item().id(), r.item().file());
      }
      if (history != null) {
        history.skipped().forEach(s -> spec.commandLine().getErr().println("warning: released table skipped: " + s));
      }
      stdout.println("overall: " + report.overall().word() + "; reports in " + this.out);
      return report.overall() == Status.PASS ? 0 : report.overall() == Status.REVIEW ? 1 : 2;
    }
  }
}
