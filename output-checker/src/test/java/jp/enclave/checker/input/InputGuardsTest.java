package jp.enclave.checker.input;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import jp.enclave.checker.Refusal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InputGuardsTest {
  @TempDir
  Path dir;

  private final TableReader reader = new TableReader(InputLimits.defaults());

  @ParameterizedTest(name = "[{0}] formula={1}")
  @CsvSource(delimiter = ';', value = {
      "=cmd|' /C calc'!A0;true", "=1+1;true", "@SUM(A1:A2);true", "+HYPERLINK(\"x\");true", "-2+3+cmd|' /C calc'!A0;true",
      "\t=cmd|x;true", "＝SUM(A1);true", "-5;false", "+3.5;false", "-1,234.5;false", "-;false", "-10~-5;false",
      "1e-3;false", "東京;false", "a=b;false", "-Infinity is not a number;false", "+-;false"})
  void formulaTable(String cell, boolean formula) {
    assertThat(FormulaGuard.isFormula(cell)).isEqualTo(formula);
  }

  @Test
  void formulaRefusedWithLineAndColumn() throws Exception {
    Path f = write("t.csv", "region,n\nEast,12\nWest,=cmd|' /C calc'!A0\n");
    assertThatThrownBy(() -> reader.read(f, "t.csv"))
        .isInstanceOfSatisfying(Refusal.class, e -> {
          assertThat(e.code()).isEqualTo("FORMULA_INJECTION");
          assertThat(e.where()).isEqualTo("line 3, column 2 'n'");
        });
  }

  @Test
  void invalidUtf8ReportsExactByteOffsetAndLine() throws Exception {
    byte[] head = "地域,人数\n東京,12\n".getBytes(StandardCharsets.UTF_8);
    byte[] sjis = "大阪,15\n".getBytes(Charset.forName("Shift_JIS"));
    Path f = dir.resolve("mixed.csv");
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(head);
    b.write(sjis);
    Files.write(f, b.toByteArray());
    assertThatThrownBy(() -> reader.read(f, "mixed.csv"))
        .isInstanceOfSatisfying(Refusal.class, e -> {
          assertThat(e.code()).isEqualTo("ENCODING_INVALID");
          assertThat(e.where()).isEqualTo("byte offset " + head.length + ", line 3");
          assertThat(e.getMessage()).contains("Shift_JIS");
        });
  }

  @Test
  void raggedRowNamesItsLine() throws Exception {
    Path f = write("t.csv", "a,n\nx,1\ny,2,3\n");
    assertThatThrownBy(() -> reader.read(f, "t.csv")).isInstanceOfSatisfying(Refusal.class, e -> {
      assertThat(e.code()).isEqualTo("RAGGED_ROW");
      assertThat(e.where()).isEqualTo("line 3");
    });
  }

  @Test
  void quotedNewlinesKeepLineNumbersHonest() throws Exception {
    Path f = write("t.csv", "a,n\n\"multi\nline\",1\nok,=1+1\n");
    assertThatThrownBy(() -> reader.read(f, "t.csv")).isInstanceOfSatisfying(Refusal.class,
        e -> assertThat(e.where()).startsWith("line 4"));
  }

  @Test
  void zipBombIsRefusedWithoutExtractingToDisk() throws Exception {
    Path f = dir.resolve("bomb.zip");
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bos)) {
      z.putNextEntry(new ZipEntry("a.csv"));
      z.write(new byte[8 << 20]);
      z.closeEntry();
    }
    Files.write(f, bos.toByteArray());
    assertThatThrownBy(() -> reader.read(f, "bomb.zip")).isInstanceOfSatisfying(Refusal.class,
        e -> assertThat(e.code()).isEqualTo("CONTAINER_TOO_LARGE"));
    TableReader tight = new TableReader(InputLimits.defaults().withMaxUncompressedBytes(1 << 20).withMaxCompressionRatio(1e9));
    assertThatThrownBy(() -> tight.read(f, "bomb.zip")).isInstanceOfSatisfying(Refusal.class,
        e -> assertThat(e.getMessage()).contains("expands to more than 1048576 bytes"));
  }

  @Test
  void parquetIsBuiltIntoTheDriverWithAutoloadOff() throws Exception {
    Path f = dir.resolve("t.parquet");
    try (Connection c = DuckDbConnections.inMemory(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT current_setting('autoload_known_extensions'), "
          + "current_setting('autoinstall_known_extensions')")) {
        rs.next();
        assertThat(rs.getBoolean(1)).isFalse();
        assertThat(rs.getBoolean(2)).isFalse();
      }
      s.execute("COPY (SELECT 'East' AS region, 25 AS n UNION ALL SELECT '西', 3) TO " + DuckDbConnections.literal(f.toString())
          + " (FORMAT parquet)");
    }
    RawTable t = reader.read(f, "t.parquet");
    assertThat(t.header()).containsExactly("region", "n");
    assertThat(t.rowCount()).isEqualTo(2);
    assertThat(t.cell(1, 0)).isEqualTo("西");
    TableReader tight = new TableReader(InputLimits.defaults().withMaxUncompressedBytes(10));
    assertThatThrownBy(() -> tight.read(f, "t.parquet")).isInstanceOfSatisfying(Refusal.class,
        e -> assertThat(e.code()).isEqualTo("CONTAINER_TOO_LARGE"));
  }

  @Test
  void fakeParquetIsASpecificError() throws Exception {
    Path f = write("t.parquet", "PAR1 this is not really parquet");
    assertThatThrownBy(() -> reader.read(f, "t.parquet")).isInstanceOfSatisfying(Refusal.class, e -> {
      assertThat(e.code()).isEqualTo("PARQUET_UNREADABLE");
      assertThat(e.getMessage()).doesNotContain(dir.toString());
    });
  }

  @Test
  void utf16IsRefused() throws Exception {
    Path f = dir.resolve("t.csv");
    Files.write(f, "a,n\n".getBytes(StandardCharsets.UTF_16));
    assertThatThrownBy(() -> reader.read(f, "t.csv")).isInstanceOfSatisfying(Refusal.class,
        e -> assertThat(e.code()).isEqualTo("ENCODING_INVALID"));
  }

  private Path write(String name, String content) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }
}
