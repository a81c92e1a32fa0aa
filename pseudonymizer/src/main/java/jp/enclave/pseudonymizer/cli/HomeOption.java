package jp.enclave.pseudonymizer.cli;

import java.nio.file.Path;
import jp.enclave.pseudonymizer.HolderHome;
import picocli.CommandLine.Option;

/** The --home option shared by every command. */
final class HomeOption {
  @Option(names = "--home", defaultValue = "target/holder", description = "Data holder's folder (default: ${DEFAULT-VALUE}).")
  Path home;

  HolderHome get() {
    return new HolderHome(home);
  }
}
