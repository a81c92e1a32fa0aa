package jp.enclave.checker.endtoend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jp.enclave.audit.AuditLog;
import jp.enclave.checker.OutputChecker;
import jp.enclave.checker.extract.ProjectExtract;
import jp.enclave.checker.provenance.GatewayAuditQueries;
import jp.enclave.checker.report.ItemResult;
import jp.enclave.checker.request.ExportItem;
import jp.enclave.checker.request.ExportRequest;
import jp.enclave.checker.request.ItemType;
import jp.enclave.checker.rules.Rule;
import jp.enclave.checker.rules.Status;
import jp.enclave.gateway.core.Gateway;
import jp.enclave.gateway.core.GatewayConfig;
import jp.enclave.gateway.core.GatewaySession;
import jp.enclave.gateway.core.PlannedQuery;
import jp.enclave.gateway.core.RunningQuery;
import jp.enclave.policies.Subject;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.Pipeline;
import jp.enclave.pseudonymizer.project.ExtractProvisioner;
import jp.enclave.pseudonymizer.project.ProjectSpec;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole export path on real parts: the pseudonymizer provisions a project, the gateway runs
 * and audits a researcher's query, the researcher exports its result, and the checker recomputes
 * the cited query from the gateway's audit trail on the project's extract.
 */
class GatewayProvenanceTest {
  @TempDir Path tmp;

  @Test
  void exportCitingAGatewayQueryIsJudgedOnTheRecomputedExtract() throws Exception {
    HolderHome holder = new HolderHome(tmp.resolve("holder"));
    SyntheticSource.generate(new SyntheticSource.Config(5, 2000, 0), holder.source());
    Pipeline.run(holder, 0.5);
    ExtractProvisioner.provision(holder, new ProjectSpec("p1", "end to end",
        new ProjectSpec.Approval("approved", "board", LocalDate.now()),
        Map.of("patient", List.of("*"), "diagnosis", List.of("*")), null, null));

    Path trail = tmp.resolve("gateway-audit.jsonl");
    String sql = "SELECT icd10, count(DISTINCT person_id) AS n FROM diagnosis GROUP BY icd10 ORDER BY icd10";
    GatewayConfig config = GatewayConfig.defaults().withMemoryLimit("512MB").withAuditSync(false)
        .withProjectApprovedUntil(Instant.now().plus(Duration.ofDays(30)));
    GatewaySession session = new GatewaySession("s1", new Subject("alice", Set.of("researcher"), "org-1", "type2",
        Instant.now().plus(Duration.ofDays(30)), "p1"), GatewaySession.SessionKind.REMOTE,
        Instant.now().plus(Duration.ofHours(8)));
    String queryId;
    List<String> csv = new ArrayList<>(List.of("icd10,n"));
    try (RootAllocator allocator = new RootAllocator();
        Gateway gateway = Gateway.open(holder.root(), "p1", config, AuditLog.open(trail, false))) {
      PlannedQuery plan = gateway.plan(session, sql);
      queryId = plan.queryId();
      try (RunningQuery q = gateway.execute(plan, allocator)) {
        while (q.next()) {
          VarCharVector code = (VarCharVector) q.root().getVector(0);
          BigIntVector n = (BigIntVector) q.root().getVector(1);
          for (int i = 0; i < q.root().getRowCount(); i++) {
            csv.add(new String(code.get(i), StandardCharsets.UTF_8) + "," + n.get(i));
          }
        }
      }
    }
    Path export = Files.createDirectories(tmp.resolve("export"));
    Files.write(export.resolve("dx.csv"), csv);
    List<String> altered = new ArrayList<>(csv);
    altered.set(1, altered.get(1).replaceAll(",\\d+$", ",99999"));
    Files.write(export.resolve("dx-altered.csv"), altered);

    GatewayAuditQueries cited = GatewayAuditQueries.load(trail);
    assertThat(cited.find(queryId)).hasValueSatisfying(q -> {
      assertThat(q.projectId()).isEqualTo("p1");
      assertThat(q.user()).isEqualTo("alice");
    });
    assertThat(cited.find("q-never-ran")).isEmpty();

    // The checker opens the sealed extract itself, from the holder's provisioned home, locked down.
    try (ProjectExtract opened = ProjectExtract.open(holder.root(), "p1")) {
      Connection c = opened.connection();
      {
        OutputChecker checker = OutputChecker.create().withProvenance(cited, c);
        ExportItem item = ExportItem.of("dx", ItemType.FREQUENCY, "dx.csv").withQueries(List.of(queryId));
        ItemResult result = checker.checkItem(new ExportRequest("r1", "p1", "alice", export, List.of(item)), item);
        assertThat(result.provenance()).anySatisfy(p -> assertThat(p.english()).startsWith(queryId + ": recomputed"));
        // Rare diagnoses rest on fewer than 10 persons at this scale: those cells fail the threshold.
        assertThat(result.status()).isEqualTo(Status.FAIL);
        assertThat(result.cellFindings()).anySatisfy(f -> assertThat(f.rule()).isEqualTo(Rule.THRESHOLD));
        assertThat(result.cellFindings()).noneSatisfy(f -> assertThat(f.rule()).isEqualTo(Rule.PROVENANCE_MISMATCH));

        ExportItem changed = ExportItem.of("dx2", ItemType.FREQUENCY, "dx-altered.csv").withQueries(List.of(queryId));
        ItemResult mismatch = checker.checkItem(new ExportRequest("r2", "p1", "alice", export, List.of(changed)), changed);
        assertThat(mismatch.cellFindings()).anySatisfy(f -> assertThat(f.rule()).isEqualTo(Rule.PROVENANCE_MISMATCH));
      }
    }

    List<String> lines = new ArrayList<>(Files.readAllLines(trail));
    lines.set(0, lines.get(0).replace("\"p1\"", "\"p9\""));
    Files.write(trail, lines);
    assertThatThrownBy(() -> GatewayAuditQueries.load(trail)).hasMessageContaining("is broken at entry 0");
  }
}
