package jp.enclave.server.airlock;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every refusal code of the airlock (its factories and its Cedar policies) has its sentence in both languages. */
class AirlockTextsTest {
  @Test
  void everyAirlockRefusalIsTranslated() throws Exception {
    Set<String> codes = new TreeSet<>(Set.of("export-transition-invalid", "already-voted", "author-never-reviews",
        "not-permitted", "stale-edit"));
    Matcher m = Pattern.compile("Refusals\\.(?:invalid|notFound)\\(\"([a-z-]+)\"").matcher(
        Files.readString(Path.of("src/main/java/jp/enclave/server/airlock/AirlockService.java")));
    while (m.find()) {
      codes.add(m.group(0).contains("invalid") ? "invalid-" + m.group(1) : m.group(1) + "-not-found");
    }
    for (String bundle : new String[] {"messages.properties", "messages_ja.properties"}) {
      Properties p = new Properties();
      try (var in = getClass().getResourceAsStream("/jp/enclave/server/portal/" + bundle)) {
        p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
      }
      codes.forEach(c -> assertThat(p.stringPropertyNames()).as(bundle + ": refusal." + c).contains("refusal." + c));
    }
    assertThat(codes).contains("invalid-vote", "export-not-found", "safe-version-not-found");
  }
}
