package jp.enclave.checker.provenance;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import jp.enclave.checker.Refusal;
import jp.enclave.checker.input.DuckDbConnections;
import jp.enclave.checker.table.Numbers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Recomputation on a real in-memory DuckDB extract. */
class ProvenanceTest {
  private Connection db;

  @BeforeEach
  void extract() throws Exception {
    db = DuckDbConnections.inMemory();
    try (Statement s = db.createStatement()) {
      // Clinic A: person a0 has three claims (900 in all), a1..a11 one claim of 10 each.
      s.execute("CREATE TABLE claims AS "
          + "SELECT 'A' AS clinic, 'a0' AS person_id, 300.0 AS cost FROM range(3) "
          + "UNION ALL SELECT 'A', 'a' || i, 10.0 FROM range(1, 12) t(i) "
          + "UNION ALL SELECT 'B', 'b' || i, 50.0 FROM range(15) t(i) "
          + "UNION ALL SELECT NULL, 'n' || i, 1.0 FROM range(12) t(i)");
      s.execute("CREATE TABLE patients AS SELECT 'a' || i AS person_id, CASE WHEN i < 4 THEN 'F' ELSE 'M' END AS sex FROM range(12) t(i)");
    }
  }

  @AfterEach
  void close() throws Exception {
    db.close();
  }

  private ProvenanceResult run(String sql) throws Exception {
    return new ProvenanceRecomputer().recompute(new CitedQuery("q", "P1", "u", sql), db);
  }

  private static ProvenanceResult.Cell cell(ProvenanceResult r, String... keys) {
    return r.cells().get(ProvenanceResult.key(List.of(keys)));
  }

  @Test
  void contributionsArePerPersonNotPerRow() throws Exception {
    ProvenanceResult r = run("SELECT clinic, SUM(cost) AS total, COUNT(*) AS claims, COUNT(DISTINCT person_id) AS n "
        + "FROM claims GROUP BY clinic");
    ProvenanceResult.Cell a = cell(r, "A");
    assertThat(a.persons()).isEqualTo(12);
    assertThat(a.value()[0]).isEqualTo(1010);
    assertThat(a.value()[1]).isEqualTo(14);
    assertThat(a.value()[2]).isEqualTo(12);
    assertThat(a.top1()[0]).isEqualTo(900); // three rows of 300 are one person's 900
    assertThat(a.top2()[0]).isEqualTo(10);
    assertThat(a.contributors()[0]).isEqualTo(12);
    ProvenanceResult.Cell b = cell(r, "B");
    assertThat(b.top1()[0]).isEqualTo(50);
    assertThat(b.top2()[0]).isEqualTo(50);
  }

  @Test
  void nullKeysFormTheirOwnCell() throws Exception {
    ProvenanceResult r = run("SELECT clinic, COUNT(DISTINCT person_id) AS n FROM claims GROUP BY clinic");
    assertThat(cell(r, Numbers.canonicalKey(null)).persons()).isEqualTo(12);
    assertThat(r.personsBehind()).isBetween(37.0, 41.0); // approximate distinct count of all persons (39)
  }

  @Test
  void joinsQualifyThePersonColumnWithTheLeftmostTable() throws Exception {
    ProvenanceResult r = run("SELECT p.sex, SUM(c.cost) AS total FROM claims AS c JOIN patients AS p "
        + "ON c.person_id = p.person_id WHERE c.cost > 0 GROUP BY p.sex");
    assertThat(cell(r, "F").persons()).isEqualTo(4);
    assertThat(cell(r, "F").top1()[0]).isEqualTo(900);
    assertThat(cell(r, "M").persons()).isEqualTo(8);
  }

  /** Margins of GROUPING SETS and positional ROLLUP are recomputed person by person like inner cells. */
  @Test
  void groupingSetsAndRollupMarginsAreRecomputed() throws Exception {
    ProvenanceResult sets = run("SELECT clinic, COUNT(DISTINCT person_id) AS n FROM claims WHERE clinic IS NOT NULL "
        + "GROUP BY GROUPING SETS ((clinic), ())");
    assertThat(sets.query().baseSqls()).hasSize(2);
    assertThat(cell(sets, "A").persons()).isEqualTo(12);
    assertThat(cell(sets, Numbers.canonicalKey(null)).persons()).isEqualTo(27); // A's 12 + B's 15
    ProvenanceResult rollup = run("SELECT clinic, SUM(cost) AS total FROM claims WHERE clinic IS NOT NULL GROUP BY ROLLUP (1)");
    assertThat(cell(rollup, Numbers.canonicalKey(null)).top1()[0]).isEqualTo(900); // a0's three claims, one person
  }

  /** A CTE stays around the rewritten SELECT; FILTER counts only the persons with the condition. */
  @Test
  void cteAndFilterAreRecomputed() throws Exception {
    ProvenanceResult r = run("WITH big AS (SELECT * FROM claims WHERE cost >= 50) "
        + "SELECT clinic, COUNT(*) FILTER (WHERE cost > 100) AS dear, COUNT(*) AS n FROM big GROUP BY clinic");
    assertThat(cell(r, "A").value()[0]).isEqualTo(3);       // a0's three claims of 300
    assertThat(cell(r, "A").contributors()[0]).isEqualTo(1); // ... by one person
    assertThat(cell(r, "B").value()[0]).isEqualTo(0);
    assertThat(cell(r, "B").persons()).isEqualTo(15);
  }

  @Test
  void orderStatisticsCountTheirHolders() throws Exception {
    ProvenanceResult r = run("SELECT clinic, MAX(cost) AS mx, MIN(cost) AS mn, MEDIAN(cost) AS md FROM claims GROUP BY clinic");
    ProvenanceResult.Cell a = cell(r, "A");
    assertThat(a.value()[0]).isEqualTo(300);
    assertThat(a.holders()[0]).isEqualTo(1);
    assertThat(a.holders()[1]).isEqualTo(11);
    assertThat(cell(r, "B").holders()[2]).isEqualTo(15);
  }

  @Test
  void unsupportedShapesAreRefusedWithTheReason() {
    assertThatThrownBy(() -> run("SELECT COUNT(*) OVER () AS n FROM claims"))
        .isInstanceOf(Refusal.class).hasMessageContaining("window");
    assertThatThrownBy(() -> run("SELECT clinic, SUM(cost) / COUNT(*) AS r FROM claims GROUP BY clinic"))
        .isInstanceOf(Refusal.class).hasMessageContaining("combines aggregates");
    assertThatThrownBy(() -> run("SELECT clinic, cost FROM claims")).isInstanceOf(Refusal.class);
    assertThatThrownBy(() -> run("SELEC broken")).isInstanceOf(Refusal.class).hasMessageContaining("cannot be parsed");
    assertThatThrownBy(() -> run("SELECT clinic, COUNT(*) AS n FROM no_such_table GROUP BY clinic"))
        .isInstanceOf(Refusal.class).hasMessageContaining("could not be recomputed");
  }

  @Test
  void rewrittenSqlKeepsTheCitedFilter() throws Exception {
    ProvenanceResult r = run("SELECT clinic, COUNT(DISTINCT person_id) AS n FROM claims WHERE cost < 100 GROUP BY clinic");
    assertThat(cell(r, "A").persons()).isEqualTo(11); // a0's 300-claims are filtered out
    AggregateQuery q = new QueryShapeParser().parse("SELECT clinic, COUNT(DISTINCT person_id) AS n FROM claims WHERE cost < 100 "
        + "GROUP BY clinic");
    assertThat(q.baseSql()).contains("WHERE").contains("\"__pid\"");
    assertThat(q.measures().get(0).function()).isEqualTo("COUNT_PERSONS");
  }
}
