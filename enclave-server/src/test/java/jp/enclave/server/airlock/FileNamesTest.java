package jp.enclave.server.airlock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import jp.enclave.server.Fixtures;
import jp.enclave.server.access.Refusal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * File names of export items tried as an attacker and a careless user would: every name that
 * could leave the item's folder in the release zip or the checker's work folder, or become another
 * file on the system that unpacks it, is refused with its reason; plain names pass.
 */
class FileNamesTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "../etc/passwd", "..", ".", "a/../../b.csv", "/etc/passwd", "/abs.csv", "C:\\x.csv", "..\\..\\x.csv", "a\\b.csv",
      "dir/file.csv", "a\u0000.csv", "a.csv\u0000.png", "\u2025\u2215x.csv", "\uff0e\uff0e\uff0fx.csv",
      "a\u2215b.csv", "t\u202Evsc.exe", "r\u00e9sultat.csv", "a b.csv", " a.csv", "a.csv ", "a\r\nb.csv",
      ".hidden", "-rf", "_x.csv", "x..csv", "a.", "table.csv.", "CON", "con.csv", "NUL.txt", "aux", "Prn.csv",
      "com1.csv", "LPT9", "a;b.csv", "a:b.csv", "a*b.csv", "a?b", "a|b", "a\"b", "a<b>", "~x"})
  void hostileNamesAreRefusedWithAReason(String name) {
    assertThat(FileNames.problem(name)).as(name).isPresent();
  }

  @Test
  void veryLongNamesAreRefused() {
    assertThat(FileNames.problem("a".repeat(FileNames.MAX_LENGTH))).isEmpty();
    assertThat(FileNames.problem("a".repeat(FileNames.MAX_LENGTH + 1))).isPresent();
    assertThat(FileNames.problem("a".repeat(100_000) + ".csv")).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"by_sex.csv", "Figure-1.png", "model.v2.txt", "a", "console.csv", "connect.sql", "nullable.csv",
      "com10.csv", "lpt.csv", "auxiliary.txt", "2026-12-03_table.csv"})
  void plainNamesPass(String name) {
    assertThat(FileNames.problem(name)).as(name).isEmpty();
  }

  @Test
  void eachRuleRefusesItsOwnCaseAndOnlyIt() {
    // the table row by row: the first rule each example breaks is the row's
    List<String> examples = List.of("a/b.csv", "x..csv", "table.", "con.csv");
    assertThat(FileNames.RULES).hasSameSizeAs(examples);
    for (int i = 0; i < examples.size(); i++) {
      assertThat(FileNames.problem(examples.get(i))).as(examples.get(i)).contains(FileNames.RULES.get(i).why());
    }
  }

  @Test
  void aFigureWhoseTableHasItsOwnNameIsRefusedBeforeItCanBreakTheRelease() {
    Fixtures f = new Fixtures().eligible();
    InMemoryAirlock store = new InMemoryAirlock();
    AirlockService airlock = f.airlock(store);
    String id = airlock.create(Fixtures.RESEARCHER, "p-dm", "figure").request().id();
    byte[] csv = "sex,persons\nF,120\nM,130\n".getBytes(StandardCharsets.UTF_8);
    for (String tableName : Set.of("fig.csv", "FIG.csv", "Fig.CSV")) {
      try {
        airlock.addItem(Fixtures.RESEARCHER, id, null, new AirlockService.ItemInput("f1", "figure", "fig.csv", csv,
            "frequency", tableName, csv, List.of("q-1")));
        throw new AssertionError("accepted " + tableName);
      } catch (Refusal r) {
        assertThat(r.code()).isEqualTo("invalid-export-item");
        assertThat(r.details()).containsExactly("tableName: must differ from the figure's own name");
      }
    }
    assertThat(store.rows.get(id).items()).isEmpty();
  }
}
