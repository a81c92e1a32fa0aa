package jp.enclave.checker.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jp.enclave.checker.OutputChecker;
import jp.enclave.checker.request.ExportItem;
import jp.enclave.checker.request.ExportRequest;
import jp.enclave.checker.request.ItemType;
import jp.enclave.checker.rules.Rule;
import jp.enclave.checker.rules.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report in English and Japanese: the same keys in both bundles, words for every rule, and each page in its language. */
class ReportTextsTest {
  @TempDir
  Path dir;

  private static Properties load(String name) throws Exception {
    Properties p = new Properties();
    try (InputStream in = ReportTexts.class.getResourceAsStream(name)) {
      p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
    }
    return p;
  }

  private static List<String> ruleCodes() throws Exception {
    List<String> codes = new ArrayList<>();
    for (Field f : Rule.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        codes.add((String) f.get(null));
      }
    }
    return codes;
  }

  @Test
  void bothBundlesHoldTheSameKeys() throws Exception {
    Set<String> en = new TreeSet<>(load("report.properties").stringPropertyNames());
    Set<String> ja = new TreeSet<>(load("report_ja.properties").stringPropertyNames());
    assertThat(ja).isEqualTo(en);
  }

  @Test
  void everyRuleVerdictAndItemTypeHasWordsInBothLanguages() throws Exception {
    List<String> keys = new ArrayList<>();
    for (String rule : ruleCodes()) {
      keys.add("rule." + rule);
      keys.add("explain." + rule);
    }
    for (Status s : Status.values()) {
      keys.add("status." + s.word());
    }
    keys.add("status.suppress");
    for (ItemType t : ItemType.values()) {
      keys.add("type." + t.declared());
    }
    for (Locale l : ReportTexts.LANGUAGES) {
      ResourceBundle b = ReportTexts.bundle(l);
      for (String k : keys) {
        assertThat(b.containsKey(k)).as(l + " " + k).isTrue();
        assertThat(b.getString(k)).as(l + " " + k).isNotBlank();
      }
    }
  }

  /** Placeholders {0}, {1} … are the same in both languages, so no argument is dropped in one of them. */
  @Test
  void placeholdersMatchAcrossLanguages() throws Exception {
    Properties en = load("report.properties");
    Properties ja = load("report_ja.properties");
    Pattern arg = Pattern.compile("\\{(\\d+)}");
    for (String k : en.stringPropertyNames()) {
      assertThat(args(arg, ja.getProperty(k))).as(k).isEqualTo(args(arg, en.getProperty(k)));
    }
  }

  private static Set<String> args(Pattern p, String s) {
    Set<String> out = new TreeSet<>();
    Matcher m = p.matcher(s);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** An English report on a machine whose default locale is Japanese stays English (no default-locale fallback). */
  @Test
  void englishDoesNotFallBackToTheMachinesLocale() {
    Locale before = Locale.getDefault();
    try {
      Locale.setDefault(Locale.JAPAN);
      assertThat(ReportTexts.text(Locale.ENGLISH, "status.fail")).isEqualTo("Fail");
      assertThat(ReportTexts.text(Locale.JAPANESE, "status.fail")).isEqualTo("不合格");
    } finally {
      Locale.setDefault(before);
    }
  }

  private jp.enclave.checker.report.CheckReport check() throws Exception {
    Path req = Files.createDirectories(dir.resolve("req"));
    Files.writeString(req.resolve("by_sex.csv"), "sex,persons\nF,120\nM,3\n");
    return OutputChecker.create().check(new ExportRequest("r1", "P1", "u1", req,
        List.of(ExportItem.of("t1", ItemType.FREQUENCY, "by_sex.csv").withLabelColumns(List.of("sex")))));
  }

  @Test
  void japaneseReportIsInJapaneseWithTheSameCellsFlagged() throws Exception {
    jp.enclave.checker.report.CheckReport report = check();
    String en = new HtmlReport().render(report, Locale.ENGLISH);
    String ja = new HtmlReport().render(report, Locale.JAPANESE);
    assertThat(en).contains("<html lang=\"en\">", "Table as submitted", "Fail", "threshold", "Too few persons stand behind the cell")
        .doesNotContain("提出された表");
    assertThat(ja).contains("<html lang=\"ja\">", "提出された表", "セルごとの理由", "不合格", "閾値",
            "セルの背後にいる人数が少なすぎます", "提案された安全版", "度数表")
        .doesNotContain("Table as submitted", "Reasons, cell by cell", "Suggested safe version", ">Fail<", "frequency table");
    // A passing finding (the suppression's audit) carries no "why it failed" explanation.
    assertThat(ja).doesNotContain(ReportTexts.explain(Locale.JAPANESE, Rule.SUPPRESSION_AUDIT));
    assertThat(en).doesNotContain(ReportTexts.explain(Locale.ENGLISH, Rule.SUPPRESSION_AUDIT));
    // The checker's detail sentence is Japanese too, with the same numbers.
    assertThat(ja).contains("3 人に基づく値で、閾値 10 人未満です").doesNotContain("fewer than 10", "lang=\"en\"");
    assertThat(en).contains("rests on 3 persons, fewer than 10");
    // The same cell is flagged in both.
    Pattern fail = Pattern.compile("<td class=\"fail\"[^>]*>([^<]*)</td>");
    assertThat(all(fail, ja)).isEqualTo(all(fail, en)).containsExactly("3");
  }

  private static List<String> all(Pattern p, String s) {
    List<String> out = new ArrayList<>();
    Matcher m = p.matcher(s);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void writerWritesBothLanguagesWithChecksums() throws Exception {
    Path out = dir.resolve("out");
    new ReportWriter().write(check(), out);
    assertThat(Files.readString(out.resolve("report.html"))).contains("<html lang=\"en\">");
    assertThat(Files.readString(out.resolve("report.ja.html"))).contains("<html lang=\"ja\">");
    assertThat(out.resolve("checksums").resolve("report.ja.html.txt")).exists();
  }

  @Test
  void aLanguageWithoutWordsIsRefused() throws Exception {
    jp.enclave.checker.report.CheckReport report = check();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new HtmlReport().render(report, Locale.FRENCH))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fr");
  }
}
