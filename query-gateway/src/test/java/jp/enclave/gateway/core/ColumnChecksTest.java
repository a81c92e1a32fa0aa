package jp.enclave.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jp.enclave.audit.AuditLog;
import jp.enclave.gateway.TestHome;
import jp.enclave.gateway.core.GatewaySession.SessionKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The column-alias family (hostile.iq, titles starting "ALIAS:") against each of the two column
 * checks on its own, so that a future bug in one cannot leak alone, and against an onsite session
 * whose project approval excludes free text.
 */
class ColumnChecksTest {
  private static Gateway remoteGateway;
  private static Gateway noFreeTextGateway;
  private static Path auditFile;

  @BeforeAll
  static void open() throws Exception {
    Path dir = Files.createTempDirectory("column-checks");
    auditFile = dir.resolve("audit.jsonl");
    remoteGateway = Gateway.open(TestHome.get(), TestHome.PROJECT, TestHome.config(), AuditLog.open(auditFile, false));
    noFreeTextGateway = Gateway.open(TestHome.get(), TestHome.PROJECT, TestHome.config().withFreeTextOnsite(false),
        AuditLog.open(dir.resolve("onsite.jsonl"), false));
  }

  @AfterAll
  static void close() {
    remoteGateway.close();
    noFreeTextGateway.close();
  }

  private static List<CorpusTest.Case> aliasFamily() throws Exception {
    List<CorpusTest.Case> family = CorpusTest.read("/corpus/hostile.iq").stream()
        .filter(c -> c.title().startsWith("ALIAS:")).toList();
    assertThat(family).hasSizeGreaterThanOrEqualTo(30);
    return family;
  }

  @Test
  void eachCheckOnItsOwnFindsTheFreeTextColumnWhateverItIsRenamedTo() throws Exception {
    List<String> checked = new ArrayList<>();
    for (CorpusTest.Case c : aliasFamily()) {
      Gateway.Compiled compiled;
      try {
        compiled = remoteGateway.checkedForm(c.sql());
      } catch (GatewayRefusal r) {
        // Refused by shape before any column analysis (NATURAL, LATERAL): nothing to compare.
        assertThat(r.code()).as(c.title()).isIn("GW-CONSTRUCT-NOT-ALLOWED");
        continue;
      }
      assertThat(compiled.firstCheck().columnsByTable().getOrDefault("clinical_note", Map.of()))
          .as("Calcite's relational analysis of: " + c.title()).containsKey("text");
      assertThat(compiled.scanned().getOrDefault("clinical_note", Set.of()))
          .as("DuckDB's plan of: " + c.title()).contains("text");
      checked.add(c.title());
    }
    assertThat(checked).hasSizeGreaterThanOrEqualTo(25);
  }

  @Test
  void anOnsiteSessionWhoseApprovalExcludesFreeTextIsRefusedTheWholeFamily() throws Exception {
    GatewaySession onsite = TestHome.session(SessionKind.ONSITE);
    for (CorpusTest.Case c : aliasFamily()) {
      assertThatThrownBy(() -> noFreeTextGateway.plan(onsite, c.sql())).as(c.title())
          .isInstanceOfSatisfying(GatewayRefusal.class, r -> {
            assertThat(r.code()).isIn("GW-COLUMN-DENIED", "GW-CONSTRUCT-NOT-ALLOWED");
            if (r.code().equals("GW-COLUMN-DENIED")) {
              assertThat(r.refusal().message()).contains("clinical_note.text");
            }
          });
    }
    // The same session may read the other columns of the table.
    noFreeTextGateway.plan(onsite, "SELECT n.e, count(*) FROM clinical_note AS n(a, b, c, d, e, t) GROUP BY n.e");
  }

  @Test
  void theDuckDbPlanAloneSeesColumnsAFilterDependsOn() {
    // Statistics could prove this filter false and drop the scan; the planning instance keeps it.
    Gateway.Compiled c = remoteGateway.checkedForm("SELECT count(*) FROM clinical_note WHERE text LIKE 'no such prefix%'");
    assertThat(c.scanned().get("clinical_note")).containsExactly("text");
    assertThat(remoteGateway.checkedForm("SELECT count(*) FROM clinical_note").scanned().get("clinical_note")).isEmpty();
  }

  @Test
  void theAcceptedEntryNamesEveryBaseColumnReadPerTable() throws Exception {
    GatewaySession s = TestHome.session(SessionKind.REMOTE);
    PlannedQuery p = remoteGateway.plan(s, "SELECT x.sex, count(DISTINCT d.i) FROM patient AS x(pid, sex, b, pref) "
        + "JOIN diagnosis AS d(i, pid2, e, code, nm, dt, m) ON d.pid2 = x.pid WHERE d.code LIKE 'E11%' GROUP BY x.sex");
    remoteGateway.audit().awaitDurable(p.auditSeq());
    JsonNode entry = null;
    for (String line : Files.readAllLines(auditFile)) {
      JsonNode n = new ObjectMapper().readTree(line);
      if (n.path("event").asText().equals("query.accepted") && n.path("data").path("queryId").asText().equals(p.queryId())) {
        entry = n;
      }
    }
    assertThat(entry).isNotNull();
    JsonNode columns = entry.path("data").path("columns");
    assertThat(columns.path("patient").toString()).isEqualTo("[\"person_id\",\"sex\"]");
    assertThat(columns.path("diagnosis").toString()).isEqualTo("[\"diagnosis_id\",\"person_id\",\"icd10\"]");
  }
}
