package jp.enclave.checker.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import jp.enclave.checker.input.InputLimits;
import jp.enclave.checker.input.TableReader;
import jp.enclave.checker.request.ExportItem;
import jp.enclave.checker.request.ItemType;
import jp.enclave.checker.rules.RuleSet;
import jp.enclave.checker.table.StatTable;
import jp.enclave.checker.table.TableInterpreter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecondarySuppressionTest {
  @TempDir
  Path dir;

  private StatTable table(String csv) throws Exception {
    Path f = dir.resolve("t.csv");
    Files.writeString(f, csv);
    var raw = new TableReader(InputLimits.defaults()).read(f, "t.csv");
    return new TableInterpreter(RuleSet.defaults()).interpret(raw, ExportItem.of("t", ItemType.FREQUENCY, "t.csv"),
        ItemType.FREQUENCY);
  }

  private static final String CROSSTAB = "region,A,B,C,Total\nEast,20,15,30,65\nWest,25,3,40,68\nNorth,30,22,18,70\n"
      + "Total,75,40,88,203\n";

  @Test
  void marginsAreFoundAsAdditiveRelations() throws Exception {
    StatTable t = table(CROSSTAB);
    // 4 row relations (incl. the total row) + 4 column relations (incl. the total column).
    assertThat(t.constraints()).hasSize(8);
    assertThat(t.isTotalRow(3)).isTrue();
    assertThat(t.isTotalMeasure(3)).isTrue();
  }

  @Test
  void aLoneSuppressedCellIsRecomputableAndTheAuditSaysSo() throws Exception {
    StatTable t = table(CROSSTAB);
    int westB = t.cellId(1, 1);
    AuditResult r = new AttackerAudit(t).audit(westB, Set.of(westB), 10);
    assertThat(r.lower()).isEqualTo(3.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(r.upper()).isEqualTo(3.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(r.isProtected()).isFalse();
  }

  @Test
  void aRowPairIsStillGivenAwayByTheColumns() throws Exception {
    StatTable t = table(CROSSTAB);
    int westA = t.cellId(1, 0);
    int westB = t.cellId(1, 1);
    // Suppressing two cells of one row hides them from the row total but not from the column totals.
    AuditResult r = new AttackerAudit(t).audit(westB, Set.of(westA, westB), 10);
    assertThat(r.width()).isLessThan(1e-6);
    assertThat(r.isProtected()).isFalse();
  }

  @Test
  void planProtectsEveryPrimaryAndIsMinimalPerRelation() throws Exception {
    StatTable t = table(CROSSTAB);
    int westB = t.cellId(1, 1);
    SuppressionPlan plan = new SecondarySuppressor(RuleSet.defaults()).plan(t, Set.of(westB));
    assertThat(plan.complete()).isTrue();
    assertThat(plan.secondary()).isNotEmpty().hasSizeLessThanOrEqualTo(5);
    assertThat(plan.audits()).allSatisfy(a -> {
      assertThat(a.isProtected()).isTrue();
      assertThat(a.width()).isGreaterThanOrEqualTo(10);
    });
    // Independent check: no relation of the table has exactly one suppressed cell.
    Set<Integer> all = new HashSet<>(plan.primary());
    all.addAll(plan.secondary());
    for (var c : t.constraints()) {
      int n = all.contains(c.total()) ? 1 : 0;
      for (int p : c.parts()) {
        n += all.contains(p) ? 1 : 0;
      }
      assertThat(n).as("suppressed cells in relation with total " + c.total()).isNotEqualTo(1);
    }
    // The grand total stays published: suppression prefers interior cells.
    assertThat(all).doesNotContain(t.cellId(3, 3));
  }

  @Test
  void tablesWithoutMarginsNeedNoSecondarySuppression() throws Exception {
    StatTable t = table("region,n\nEast,3\nWest,40\n");
    SuppressionPlan plan = new SecondarySuppressor(RuleSet.defaults()).plan(t, Set.of(t.cellId(0, 0)));
    assertThat(plan.secondary()).isEmpty();
    assertThat(plan.complete()).isTrue();
  }

  @Test
  void hierarchicalTotalsInLongTablesAreRelations() throws Exception {
    StatTable t = table("sex,age,n\nM,young,12\nM,old,4\nM,Total,16\nF,young,20\nF,old,25\nF,Total,45\n");
    SuppressionPlan plan = new SecondarySuppressor(RuleSet.defaults()).plan(t, Set.of(t.cellId(1, 0)));
    assertThat(plan.complete()).isTrue();
    assertThat(plan.secondary()).isNotEmpty();
    assertThat(plan.audits()).allSatisfy(a -> assertThat(a.isProtected()).isTrue());
  }

  /**
   * On seeded random 5x5 tables with margins, the exact pattern never suppresses more cells than
   * the heuristic, and both are proven by the attacker audit (every primary interval wide enough).
   */
  @Test
  void exactPatternIsNeverLargerThanTheHeuristicAndBothAreProven() throws Exception {
    RuleSet heuristicOnly = RuleSet.defaults().withOverrides(java.util.Map.of("secondary_suppression",
        java.util.Map.of("exact_max_cells", 1)));
    int strictlyFewer = 0;
    for (int seed = 0; seed < 15; seed++) {
      java.util.Random rnd = new java.util.Random(seed);
      int[][] v = new int[5][5];
      StringBuilder csv = new StringBuilder("g,c0,c1,c2,c3,c4,Total\n");
      int[] col = new int[5];
      for (int r = 0; r < 5; r++) {
        csv.append('r').append(r);
        int row = 0;
        for (int c = 0; c < 5; c++) {
          v[r][c] = rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(9) : 10 + rnd.nextInt(60);
          csv.append(',').append(v[r][c]);
          row += v[r][c];
          col[c] += v[r][c];
        }
        csv.append(',').append(row).append('\n');
      }
      csv.append("Total");
      int all = 0;
      for (int c = 0; c < 5; c++) {
        csv.append(',').append(col[c]);
        all += col[c];
      }
      StatTable t = table(csv.append(',').append(all).append('\n').toString());
      Set<Integer> primary = new HashSet<>();
      for (int r = 0; r < 5; r++) {
        for (int c = 0; c < 5; c++) {
          if (v[r][c] < 10) {
            primary.add(t.cellId(r, c));
          }
        }
      }
      SuppressionPlan exact = new SecondarySuppressor(RuleSet.defaults()).plan(t, primary);
      SuppressionPlan heuristic = new SecondarySuppressor(heuristicOnly).plan(t, primary);
      assertThat(exact.complete()).as("seed " + seed).isTrue();
      assertThat(heuristic.complete()).as("seed " + seed).isTrue();
      assertThat(exact.audits()).allMatch(AuditResult::isProtected);
      assertThat(heuristic.audits()).allMatch(AuditResult::isProtected);
      assertThat(exact.secondary().size()).as("seed " + seed).isLessThanOrEqualTo(heuristic.secondary().size());
      strictlyFewer += exact.secondary().size() < heuristic.secondary().size() ? 1 : 0;
    }
    assertThat(strictlyFewer).as("tables where choosing across all relations saves cells").isPositive();
  }
}
