package jp.enclave.policies;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs every row of {@code policy-cases.csv}: the table of allow/deny behaviour the policies must keep. */
class PolicyCasesTest {
  private static final PolicyEngine ENGINE = PolicyEngine.loadDefault();
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  static Stream<Arguments> cases() {
    String csv = PolicyEngine.resource("/jp/enclave/policies/policy-cases.csv");
    return csv.lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .map(l -> l.split(",", -1))
        .map(f -> Arguments.of(f[0], f));
  }

  @Test
  void tableHasBothOutcomesAndEveryPolicyIsExercised() {
    List<String[]> rows = cases().map(a -> (String[]) a.get()[1]).toList();
    assertThat(rows).hasSizeGreaterThanOrEqualTo(25);
    assertThat(rows).anyMatch(r -> r[12].equals("allow")).anyMatch(r -> r[12].equals("deny"));
    Set<String> named = rows.stream().flatMap(r -> Arrays.stream(r[13].split("\\+")))
        .filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    assertThat(named).containsExactlyInAnyOrderElementsOf(ENGINE.policyIds());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void policyCase(String name, String[] f) {
    assertThat(f).as("column count of case " + name).hasSize(15);
    Subject subject = new Subject("u-" + name.hashCode(), split(f[1], "\\+"), "org-1", f[2],
        NOW.plus(Duration.ofDays(Long.parseLong(f[3]))), f[4]);
    ProjectFacts project = new ProjectFacts(f[5], NOW.plus(Duration.ofDays(Long.parseLong(f[6]))),
        Boolean.parseBoolean(f[7]));
    Decision d;
    if (f[9].equals("query")) {
      d = ENGINE.mayQuery(subject, project, f[8], NOW);
    } else {
      Map<String, String> columns = new LinkedHashMap<>();
      for (String c : f[11].split(";")) {
        String[] kv = c.split(":");
        columns.put(kv[0], kv[1]);
      }
      d = ENGINE.mayRead(subject, project, f[8], NOW, f[10], columns);
    }
    assertThat(d.allowed() ? "allow" : "deny").as(name + ": " + d.reason()).isEqualTo(f[12]);
    assertThat(d.policyIds()).as("deciding policies").containsExactlyInAnyOrderElementsOf(split(f[13], "\\+"));
    assertThat(d.deniedColumns()).as("denied columns").containsExactlyInAnyOrderElementsOf(split(f[14], "\\+"));
    if (d.policyIds().isEmpty()) {
      assertThat(d.reason()).contains("deny by default");
    }
  }

  private static Set<String> split(String s, String sep) {
    return s.isEmpty() ? Set.of() : Set.of(s.split(sep));
  }
}
