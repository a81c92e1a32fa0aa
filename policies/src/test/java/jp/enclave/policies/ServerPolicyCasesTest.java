package jp.enclave.policies;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jp.enclave.policies.ServerPolicies.Actor;
import jp.enclave.policies.ServerPolicies.Org;
import jp.enclave.policies.ServerPolicies.ProjectTerm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every row of {@code server-policy-cases.csv}: the server's allow/deny table, row by row. */
class ServerPolicyCasesTest {
  private static final ServerPolicies POLICIES = ServerPolicies.loadDefault();
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  static Stream<Arguments> cases() {
    return PolicyEngine.resource("/jp/enclave/policies/server-policy-cases.csv").lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .map(l -> l.split(",", -1))
        .map(f -> Arguments.of(f[0], f));
  }

  @Test
  void everyPolicyIsExercisedAndBothOutcomesOccur() {
    List<String[]> rows = cases().map(a -> (String[]) a.get()[1]).toList();
    assertThat(rows).anyMatch(r -> r[13].equals("allow")).anyMatch(r -> r[13].equals("deny"));
    Set<String> named = rows.stream().flatMap(r -> Arrays.stream(r[14].split("\\+")))
        .filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    assertThat(named).containsExactlyInAnyOrderElementsOf(POLICIES.policyIds());
  }

  @Test
  void gatewayPoliciesStillLoadBesideTheServerOnes() {
    assertThat(PolicyEngine.loadDefault().policyIds()).contains("query-by-certified-member");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void serverCase(String name, String[] f) {
    assertThat(f).as("column count of case " + name).hasSize(17);
    Org org = f[2].equals("none") ? Org.NONE : new Org("org-1", f[2], days(f[3]), days(f[4]));
    Instant trained = f[5].equals("none") ? Instant.EPOCH : days(f[5]);
    // staff_center: the onsite center the registry assigns the user to ("" none); resource_center: the
    // center of the terminal or visit acted on (default center-1).
    Actor actor = new Actor("u-1", split(f[1]), org, trained, Boolean.parseBoolean(f[6]) ? Set.of("p1") : Set.of(), f[15]);
    String center = f[16].isEmpty() ? "center-1" : f[16];
    ProjectTerm project = new ProjectTerm("p1", days(f[7]), days(f[8]));
    String owner = f[12].equals("self") ? "u-1" : "u-2";
    Decision d = switch (f[11]) {
      case "manageRegistry" -> POLICIES.mayManageRegistry(actor, NOW);
      case "viewRegistry" -> POLICIES.mayViewRegistry(actor, NOW);
      case "readAudit" -> POLICIES.mayReadAudit(actor, NOW);
      case "openSession" -> POLICIES.mayOpenSession(actor, project, f[9], Boolean.parseBoolean(f[10]), NOW);
      case "endSession" -> POLICIES.mayEndSession(actor, "s-1", owner, project, NOW);
      case "revokeSession" -> POLICIES.mayRevokeSession(actor, "s-1", owner, project, NOW);
      case "manageTerminals" -> POLICIES.mayManageTerminals(actor, center, NOW);
      case "viewOnsite" -> POLICIES.mayViewOnsite(actor, center, NOW);
      case "checkInVisitor" -> POLICIES.mayCheckIn(actor, "v-1", owner, center, project, NOW);
      case "acknowledgeAlert" -> POLICIES.mayAcknowledgeAlert(actor, NOW);
      case "witnessTrails" -> POLICIES.mayWitnessTrails(actor, NOW);
      case "provisionProject" -> POLICIES.mayProvision(actor, project, NOW);
      case "viewInventory" -> POLICIES.mayViewInventory(actor, NOW);
      case "readDataDictionary" -> POLICIES.mayReadDataDictionary(actor, NOW);
      case "createExport" -> POLICIES.mayCreateExport(actor, project, NOW);
      case "editExport", "downloadRelease", "reviewExport", "revokeRelease" ->
          POLICIES.mayActOnExport(f[11], actor, "e-1", owner, project, NOW);
      case "fileReidentification" -> POLICIES.mayFileReidentification(actor, project, NOW);
      case "viewReleasedSubmissions" -> POLICIES.mayViewReleasedSubmissions(actor, NOW);
      case "approveReidentification", "readReidentification" ->
          POLICIES.mayActOnReidentification(f[11], actor, "r-1", owner, project, NOW);
      default -> throw new IllegalArgumentException("unknown action " + f[11]);
    };
    assertThat(d.allowed() ? "allow" : "deny").as(name + ": " + d.reason()).isEqualTo(f[13]);
    assertThat(d.policyIds()).as("deciding policies").containsExactlyInAnyOrderElementsOf(split(f[14]));
  }

  private static Instant days(String d) {
    return NOW.plus(Duration.ofDays(Long.parseLong(d)));
  }

  private static Set<String> split(String s) {
    return s.isEmpty() ? Set.of() : Set.of(s.split("\\+"));
  }
}
