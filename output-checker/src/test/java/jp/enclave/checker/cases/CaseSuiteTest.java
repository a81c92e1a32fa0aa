package jp.enclave.checker.cases;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import jp.enclave.checker.request.ItemType;
import jp.enclave.checker.rules.Rule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every row of the labelled case suite, with its expected verdict and failing cells. */
class CaseSuiteTest {
  @TempDir
  static Path work;

  private static final List<CaseSuite.Outcome> OUTCOMES = new ArrayList<>();

  static Stream<CaseSuite.Case> cases() throws Exception {
    return CaseSuite.load().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void caseBehavesAsLabelled(CaseSuite.Case c) throws Exception {
    CaseSuite.Outcome o = CaseSuite.run(c, work);
    synchronized (OUTCOMES) {
      OUTCOMES.add(o);
    }
    assertThat(o.problem()).as(c.id() + " findings: " + o.result().findings()).isEmpty();
    if (c.unsafe()) {
      assertThat(o.flagged()).as(c.id() + " is unsafe and must not pass").isTrue();
    }
  }

  @Test
  void suiteIsLargeAndCoversEveryRuleAndItemType() throws Exception {
    List<CaseSuite.Case> all = CaseSuite.load();
    assertThat(all).hasSizeGreaterThanOrEqualTo(60);
    Set<String> ids = new TreeSet<>();
    Set<String> rules = new TreeSet<>();
    Set<ItemType> types = EnumSet.noneOf(ItemType.class);
    for (CaseSuite.Case c : all) {
      assertThat(ids.add(c.id())).as("duplicate case id " + c.id()).isTrue();
      assertThat(c.label()).isIn("safe", "unsafe");
      rules.add(c.rule());
      types.add(ItemType.parse(c.spec().path("type").asText()));
    }
    assertThat(rules).contains(Rule.THRESHOLD, Rule.P_RATIO, Rule.NK_RULE, Rule.ZERO, Rule.NEGATIVE, Rule.EXTREME, Rule.DOF,
        Rule.SURVIVAL, Rule.SECONDARY, Rule.DIFFERENCING, Rule.RECORD_LEVEL, Rule.PSEUDONYM, Rule.PROVENANCE,
        Rule.PROVENANCE_MISMATCH, Rule.IMAGE, Rule.INPUT);
    assertThat(types).containsAll(EnumSet.allOf(ItemType.class));
    assertThat(all.stream().filter(c -> c.id().startsWith("acro-")).count()).isGreaterThanOrEqualTo(3);
  }

  @AfterAll
  static void recallOnUnsafeIsComplete() {
    if (OUTCOMES.isEmpty()) {
      return;
    }
    CaseSuite.Summary s = CaseSuite.summarize(OUTCOMES);
    assertThat(s.recall()).as("recall on unsafe cases").isEqualTo(1.0);
  }
}
