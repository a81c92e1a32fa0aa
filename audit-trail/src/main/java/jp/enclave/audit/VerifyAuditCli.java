package jp.enclave.audit;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code verify-audit <file> [--expect-head HASH]}: exit 0 if the chain holds, 1 if not. */
@Command(name = "verify-audit", mixinStandardHelpOptions = true,
    description = "Verify the hash chain of an enclave audit trail.")
public final class VerifyAuditCli implements Callable<Integer> {
  @Parameters(index = "0", description = "audit trail (JSON lines)")
  Path file;

  @Option(names = "--expect-head", description = "head hash recorded elsewhere; detects a truncated tail")
  String expectHead;

  @Override
  public Integer call() {
    AuditVerifier.Result r = AuditVerifier.verify(file);
    if (!r.ok()) {
      System.out.println("BROKEN at entry " + r.brokenAt() + ": " + r.problem());
      return 1;
    }
    if (expectHead != null && !expectHead.equals(r.headHash())) {
      System.out.println("BROKEN: head is " + r.headHash() + ", expected " + expectHead + " (entries removed from the end?)");
      return 1;
    }
    System.out.println("OK " + r.entries() + " entries, head " + r.headHash());
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new VerifyAuditCli()).execute(args));
  }
}
