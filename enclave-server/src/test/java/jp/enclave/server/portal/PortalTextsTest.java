package jp.enclave.server.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PortalTextsTest {

  private static Properties load(String name) throws IOException {
    Properties p = new Properties();
    try (InputStream in = PortalTextsTest.class.getResourceAsStream("/jp/enclave/server/portal/" + name)) {
      p.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
    }
    return p;
  }

  @Test
  void japaneseAndEnglishHaveTheSameKeys() throws IOException {
    assertThat(new TreeSet<>(load("messages_ja.properties").stringPropertyNames()))
        .isEqualTo(new TreeSet<>(load("messages.properties").stringPropertyNames()));
  }

  /** Every key a page or bean names exists (a missing key would show as ???key??? to a user). */
  @Test
  void everyKeyUsedExists() throws IOException {
    Set<String> keys = load("messages.properties").stringPropertyNames();
    Pattern page = Pattern.compile("msg\\['([a-zA-Z.]+)'\\]");
    Pattern bean = Pattern.compile("Feedback\\.done\\(\"([a-zA-Z.]+)\"");
    Set<String> used = new TreeSet<>();
    try (Stream<Path> files = Stream.concat(Files.walk(Path.of("src/main/webapp")),
        Files.walk(Path.of("src/main/java/jp/enclave/server/portal")))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(f);
        for (Pattern p : new Pattern[] {page, bean}) {
          Matcher m = p.matcher(text);
          while (m.find()) {
            if (!m.group(1).endsWith(".")) {
              used.add(m.group(1));
            }
          }
        }
      }
    }
    assertThat(used).isNotEmpty();
    assertThat(keys).containsAll(used);
  }

  /** Every refusal code the domain can raise has its sentence in both languages. */
  @Test
  void everyRefusalCodeIsTranslated() throws IOException {
    Set<String> keys = load("messages_ja.properties").stringPropertyNames();
    Set<String> codes = new TreeSet<>();
    Matcher m = Pattern.compile("\"([a-z-]+)\"").matcher(
        Files.readString(Path.of("../policies/src/main/resources/jp/enclave/policies/server.cedar")));
    // Every forbid policy's @id is a refusal code a user can meet.
    Pattern id = Pattern.compile("@id\\(\"([a-z-]+)\"\\)\\s*@reason\\(\"(?:[^\"\\\\]|\\\\.)*\"\\)\\s*forbid");
    Matcher ids = id.matcher(Files.readString(Path.of("../policies/src/main/resources/jp/enclave/policies/server.cedar")));
    while (ids.find()) {
      codes.add(ids.group(1));
    }
    assertThat(codes).contains("training-lapsed", "onsite-from-registered-terminal", "no-self-check-in");
    assertThat(m.find()).isTrue();
    codes.addAll(Set.of("not-permitted", "user-not-registered", "stale-edit", "session-transition-invalid",
        "visit-transition-invalid", "alert-already-acknowledged", "invalid-check-in", "invalid-terminal"));
    codes.forEach(c -> assertThat(keys).as("refusal." + c).contains("refusal." + c));
  }

  @Test
  void datesShowBothCalendars() {
    Dates d = new Dates();
    assertThat(d.both(LocalDate.of(2026, 12, 3), "ja")).isEqualTo("2026年12月3日（令和8年12月3日）");
    assertThat(d.both(LocalDate.of(2019, 4, 30), "ja")).isEqualTo("2019年4月30日（平成31年4月30日）");
    assertThat(d.both(LocalDate.of(2019, 5, 1), "ja")).isEqualTo("2019年5月1日（令和元年5月1日）");
    assertThat(d.both(LocalDate.of(1989, 1, 8), "ja")).isEqualTo("1989年1月8日（平成元年1月8日）");
    assertThat(d.both(LocalDate.of(2020, 1, 11), "ja")).isEqualTo("2020年1月11日（令和2年1月11日）");
    assertThat(d.both(LocalDate.of(2026, 12, 3), "en")).isEqualTo("3 Dec 2026 (Reiwa 8)");
  }
}
