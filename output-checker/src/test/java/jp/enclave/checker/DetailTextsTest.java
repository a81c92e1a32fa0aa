package jp.enclave.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jp.enclave.checker.report.CheckReport;
import jp.enclave.checker.report.HtmlReport;
import jp.enclave.checker.report.ItemResult;
import jp.enclave.checker.request.ExportItem;
import jp.enclave.checker.request.ExportRequest;
import jp.enclave.checker.request.ItemType;
import jp.enclave.checker.rules.Finding;
import jp.enclave.checker.table.MeasureKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detail sentences in English and Japanese: the same keys and placeholders in both bundles, every
 * key the code uses present, each rendering with sample parameters, no English sentence in the Japanese
 * bundle, and a Japanese report of real failing tables without an English detail sentence.
 */
class DetailTextsTest {
  private static final Path MAIN = Path.of("src/main/java/jp/enclave/checker");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\d+)}");
  /** Three or more English words in a row: a sentence, not a code, a file name or a function name. */
  private static final Pattern ENGLISH_WORDS = Pattern.compile("\\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}\\b");

  @TempDir
  Path dir;

  private static Properties load(String name) throws Exception {
    Properties p = new Properties();
    try (InputStream in = Detail.class.getResourceAsStream(name)) {
      p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
    return p;
  }

  private static Set<Integer> placeholders(String pattern) {
    Set<Integer> out = new TreeSet<>();
    Matcher m = PLACEHOLDER.matcher(pattern);
    while (m.find()) {
      out.add(Integer.parseInt(m.group(1)));
    }
    return out;
  }

  /** Refusals keep their own English line ({1}); other languages use where ({0}) and the code ({2}). */
  private static int arity(String key, String english) {
    return key.startsWith("refusal.") && !key.startsWith("refusal.place") ? 3
        : placeholders(english).stream().mapToInt(i -> i + 1).max().orElse(0);
  }

  @Test
  void bothBundlesHoldTheSameKeysAndPlaceholders() throws Exception {
    Properties en = load("details.properties");
    Properties ja = load("details_ja.properties");
    assertThat(new TreeSet<>(ja.stringPropertyNames())).isEqualTo(new TreeSet<>(en.stringPropertyNames()));
    for (String key : en.stringPropertyNames()) {
      int n = arity(key, en.getProperty(key));
      assertThat(placeholders(ja.getProperty(key))).as("ja " + key).allMatch(i -> i < n);
      if (!key.startsWith("refusal.") || key.startsWith("refusal.place")) {
        assertThat(placeholders(ja.getProperty(key))).as("ja " + key).isEqualTo(placeholders(en.getProperty(key)));
      } else {
        assertThat(en.getProperty(key)).as("en " + key).isEqualTo("{1}");
        assertThat(placeholders(ja.getProperty(key))).as("ja " + key).contains(0, 2);
      }
    }
  }

  @Test
  void everyDetailRendersWithSampleParametersInBothLanguages() throws Exception {
    Properties en = load("details.properties");
    for (String key : en.stringPropertyNames()) {
      int n = arity(key, en.getProperty(key));
      Object[] args = new Object[n];
      for (int i = 0; i < n; i++) {
        args[i] = "<p" + i + ">";
      }
      Detail d = Detail.of(key, args);
      String english = d.render(Locale.ENGLISH);
      String japanese = d.render(Locale.JAPANESE);
      assertThat(english).as("en " + key).isNotBlank().doesNotContain("{");
      assertThat(japanese).as("ja " + key).isNotBlank().doesNotContain("{");
      if (!key.startsWith("refusal.place")) {
        assertThat(japanese).as("ja " + key).isNotEqualTo(english);
      }
      for (int i = 0; i < n; i++) {
        if (!key.startsWith("refusal.") || key.startsWith("refusal.place")) {
          assertThat(japanese).as("ja " + key).contains("<p" + i + ">");
        }
      }
      // Apostrophes are doubled in the bundles (MessageFormat); a single one would swallow a placeholder.
      assertThat(english.replace("'<p", "").replace(">'", "")).as("en " + key).doesNotContain("''");
    }
  }

  @Test
  void theJapaneseBundleHoldsNoEnglishSentence() throws Exception {
    Properties ja = load("details_ja.properties");
    for (String key : ja.stringPropertyNames()) {
      String text = PLACEHOLDER.matcher(ja.getProperty(key)).replaceAll(" ");
      assertThat(ENGLISH_WORDS.matcher(text).find()).as("ja " + key + ": " + text).isFalse();
    }
  }

  @Test
  void everyKeyTheCodeUsesIsInTheBundles() throws Exception {
    Set<String> used = new TreeSet<>();
    Pattern literal = Pattern.compile("Detail\\.of\\(\"([a-zA-Z.]+)\"");
    Pattern refusal = Pattern.compile("Refusal\\(\\s*\"([A-Z_]+)\"");
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String src = Files.readString(f);
        Matcher m = literal.matcher(src);
        while (m.find()) {
          if (!m.group(1).endsWith(".")) { // a prefix completed at run time, listed below
            used.add(m.group(1));
          }
        }
        m = refusal.matcher(src);
        while (m.find()) {
          used.add("refusal." + m.group(1));
        }
      }
    }
    // Keys built at run time: the threshold's wording and the order statistics' names, the manual review.
    for (String who : List.of("persons", "contributors")) {
      used.add("threshold." + who);
      used.add("threshold." + who + ".recomputed");
    }
    for (MeasureKind k : MeasureKind.values()) {
      if (k.isOrderStatistic()) {
        used.add("measure." + k.name().toLowerCase(Locale.ROOT));
      }
    }
    used.addAll(List.of("manual.code", "manual.text"));
    assertThat(used).hasSizeGreaterThan(60).contains("refusal.FORMULA_INJECTION", "suppression.minimal");
    for (Locale l : List.of(Locale.ENGLISH, Locale.JAPANESE)) {
      for (String key : used) {
        assertThat(Detail.bundle(l).containsKey(key)).as(l + " " + key).isTrue();
      }
    }
  }

  @Test
  void aRefusalReadsInJapaneseWithItsPlaceAndCode() {
    Refusal r = new Refusal("FORMULA_INJECTION", "t1.csv", "line 4, column n", "the cell starts like a spreadsheet formula");
    Detail d = Detail.refusal(r);
    assertThat(d.english()).isEqualTo(r.describe());
    assertThat(d.render(Locale.JAPANESE)).isEqualTo(
        "t1.csv (4 行目、列 n): セルが表計算の数式のように始まっています。数式はファイルを開いたときに実行されるため拒否します (FORMULA_INJECTION)");
  }

  /** Real failing tables: threshold, zero cell, a suppression note, a record-level column, a refused file, free text. */
  private CheckReport failingReport() throws Exception {
    Path req = Files.createDirectories(dir.resolve("req"));
    Files.writeString(req.resolve("by_sex_region.csv"),
        "sex,region,persons\nF,North,120\nF,South,0\nM,North,3\nM,South,57\nTotal,Total,180\n");
    Files.writeString(req.resolve("patients.csv"), "patient_id,visits\nA1,3\nA2,4\n");
    Files.writeString(req.resolve("formula.csv"), "sex,persons\n=cmd|' /C calc'!A0,12\n");
    Files.writeString(req.resolve("notes.txt"), "All groups above threshold.\n");
    return OutputChecker.create().check(new ExportRequest("r1", "P1", "u1", req, List.of(
        ExportItem.of("t1", ItemType.FREQUENCY, "by_sex_region.csv").withLabelColumns(List.of("sex", "region")),
        ExportItem.of("t2", ItemType.FREQUENCY, "patients.csv"),
        ExportItem.of("t3", ItemType.FREQUENCY, "formula.csv"),
        ExportItem.of("x1", ItemType.TEXT, "notes.txt"))));
  }

  @Test
  void theJapaneseReportOfFailingTablesHasNoEnglishDetailSentence() throws Exception {
    CheckReport report = failingReport();
    String en = new HtmlReport().render(report, Locale.ENGLISH);
    String ja = new HtmlReport().render(report, Locale.JAPANESE);
    List<Finding> findings = new ArrayList<>();
    for (ItemResult r : report.items()) {
      findings.addAll(r.findings());
    }
    Set<String> keys = new TreeSet<>();
    findings.forEach(f -> keys.add(f.detail().key()));
    assertThat(keys).contains("threshold.persons", "cell.zero", "suppression.noMargins", "recordLevel.idName",
        "refusal.FORMULA_INJECTION", "manual.text");
    for (Finding f : findings) {
      assertThat(en).contains(esc(f.message()));
      assertThat(ja).as(f.detail().key()).contains(esc(f.message(Locale.JAPANESE))).doesNotContain(esc(f.message()));
    }
    assertThat(ja).doesNotContain("lang=\"en\"");
    // No English sentence anywhere in the Japanese page's text (tags, the CSS and the researcher's own values aside).
    String text = ja.replaceAll("(?s)<style>.*?</style>", " ").replaceAll("<[^>]+>", " ").replace("&#39;", "'");
    Matcher m = ENGLISH_WORDS.matcher(text);
    List<String> english = new ArrayList<>();
    while (m.find()) {
      english.add(m.group());
    }
    assertThat(english).isEmpty();
  }

  private static String esc(String s) {
    return jp.enclave.checker.report.Html.esc(s);
  }
}
