package jp.enclave.pseudonymizer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The data holder's command line. Failures print one line saying what and why, never a trace. */
@Command(name = "pseudonymizer", mixinStandardHelpOptions = true,
    description = "Data holder's pipeline: synthetic sources, linkage, pseudonymization, project extracts.",
    subcommands = {GenerateCommand.class, PseudonymizeCommand.class, AnonymizeCommand.class,
        ProvisionCommand.class, ExportExtractCommand.class, DeleteProjectCommand.class, OptOutCommand.class,
        DemoCommand.class, BenchCommand.class, InventoryCommand.class,
        ReidentifyCommand.class})
public final class Main {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("error: " + message(e));
      return 2;
    });
    return cli.execute(args);
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
