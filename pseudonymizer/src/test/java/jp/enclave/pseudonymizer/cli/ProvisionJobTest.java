package jp.enclave.pseudonymizer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.Pipeline;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import jp.enclave.sealed.extract.SealedExtract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as the enclave server runs it: {@code provision --spec - --progress json --zone-home},
 * once, again (nothing provisioned twice), with another scope (refused), with a bad scope (a
 * {@code failed} event naming every problem); and {@code inventory --json}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProvisionJobTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SPEC = """
      {"projectId":"job-dm","approval":{"status":"approved","approvedBy":"steward","approvedOn":"2026-12-01"},
       "tables":{"patient":["*"],"diagnosis":["person_id","icd10","diagnosis_date"]},
       "cohort":{"diagnosisIcd10Prefixes":["E11"]}}""";

  Path root;
  HolderHome home;

  @BeforeAll
  void pipeline(@TempDir Path tmp) {
    root = tmp;
    home = new HolderHome(tmp.resolve("holder"));
    SyntheticSource.generate(new SyntheticSource.Config(7, 1500, 0.002), home.source());
    Pipeline.run(home, 0.5);
  }

  record Run(int exit, List<JsonNode> events, String err) {
    JsonNode last() {
      return events.get(events.size() - 1);
    }
  }

  private Run run(String stdin, String... args) throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    InputStream in = System.in;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    int rc;
    try {
      rc = Main.run(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
      System.setIn(in);
    }
    List<JsonNode> events = new ArrayList<>();
    for (String l : o.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!l.isBlank()) {
        events.add(JSON.readTree(l)); // every stdout line is JSON in this mode
      }
    }
    return new Run(rc, events, e.toString(StandardCharsets.UTF_8));
  }

  private Run provision(String spec) throws Exception {
    return run(spec, "provision", "--home", home.root().toString(), "--spec", "-", "--progress", "json",
        "--zone-home", root.resolve("gateway").toString());
  }

  @Test
  void provisionsOnceExportsAndReportsProgressAsJson() throws Exception {
    Run first = provision(SPEC);
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.events()).extracting(n -> n.path("event").asText()).startsWith("progress").endsWith("done");
    assertThat(first.events()).extracting(n -> n.path("phase").asText())
        .contains("opening-store", "cohort", "table", "sealing", "export");
    List<Integer> percents = first.events().stream().map(n -> n.path("percent").asInt()).toList();
    assertThat(percents).isSorted().last().isEqualTo(100);
    assertThat(first.last().path("alreadyProvisioned").asBoolean()).isFalse();
    assertThat(first.last().path("persons").asLong()).isPositive();
    assertThat(first.last().path("tables").path("diagnosis").asLong()).isPositive();
    Path gatewayManifest = SealedExtract.manifestPath(root.resolve("gateway/extracts"), "job-dm");
    assertThat(gatewayManifest).exists();
    String sealedDigest = SealedExtract.readManifest(SealedExtract.manifestPath(home.extracts(), "job-dm"))
        .sealedSha256();

    // The same scope again (e.g. a re-run after the server died): nothing provisioned twice.
    Run again = provision(SPEC.replace("2026-12-01", "2026-12-02"));
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.last().path("alreadyProvisioned").asBoolean()).isTrue();
    assertThat(again.last().path("tables")).isEqualTo(first.last().path("tables"));
    assertThat(SealedExtract.readManifest(SealedExtract.manifestPath(home.extracts(), "job-dm")).sealedSha256())
        .isEqualTo(sealedDigest);
    String trail = Files.readString(home.audit());
    assertThat(trail.split("\"project.provisioned\"", -1)).hasSize(2);
    assertThat(trail).contains("\"project.provision-unchanged\"");

    // Another scope for the same project is refused, the extract unchanged.
    Run other = provision(SPEC.replace("E11", "I10"));
    assertThat(other.exit()).isNotZero();
    assertThat(other.last().path("event").asText()).isEqualTo("failed");
    assertThat(other.last().path("reason").asText()).contains("already has an extract");
  }

  @Test
  void aBadScopeFailsWithEveryProblemAndNoTrace() throws Exception {
    Run bad = provision("""
        {"projectId":"job-bad","approval":{"status":"approved"},"tables":{"patients":["*"],"diagnosis":["colour"]}}""");
    assertThat(bad.exit()).isNotZero();
    assertThat(bad.last().path("event").asText()).isEqualTo("failed");
    assertThat(bad.last().path("reason").asText()).contains("tables.patients: no such table",
        "tables.diagnosis: no column 'colour'");
    assertThat(bad.err()).startsWith("error: ").doesNotContain("\tat ");
    assertThat(SealedExtract.manifestPath(home.extracts(), "job-bad")).doesNotExist();

    Run notJson = provision("{\"projectId\": ");
    assertThat(notJson.last().path("reason").asText()).contains("project spec (standard input) is not valid JSON");
  }

  @Test
  void inventoryListsAssetsAndTheDictionaryWithoutDataValues() throws Exception {
    provision(SPEC);
    PrintStream out = System.out;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.run("inventory", "--home", home.root().toString(), "--json")).isZero();
    } finally {
      System.setOut(out);
    }
    JsonNode r = JSON.readTree(o.toString(StandardCharsets.UTF_8));
    assertThat(r.path("format").asInt()).isEqualTo(1);
    List<String> kinds = new ArrayList<>();
    r.path("assets").forEach(a -> kinds.add(a.path("kind").asText() + ":" + a.path("status").asText()));
    assertThat(kinds).contains("source-delivery:current", "store-build:current", "extract:current");
    JsonNode extract = null;
    for (JsonNode a : r.path("assets")) {
      assertThat(a.path("owner").path("ja").asText()).isNotBlank();
      assertThat(a.path("legalBasis").path("en").asText()).contains("Next Generation Medical Infrastructure Act");
      assertThat(a.path("retention").path("en").asText()).isNotBlank();
      if (a.path("kind").asText().equals("extract")) {
        extract = a;
      }
    }
    assertThat(extract.path("project").asText()).isEqualTo("job-dm");
    assertThat(extract.path("exportedTo").asInt()).isEqualTo(1);
    JsonNode diagnosis = null;
    for (JsonNode t : r.path("dictionary").path("tables")) {
      if (t.path("name").asText().equals("diagnosis")) {
        diagnosis = t;
      }
    }
    assertThat(diagnosis.toString()).contains("\"name\":\"icd10\",\"type\":\"VARCHAR\",\"sensitivity\":\"clinical\","
        + "\"codeSystem\":\"ICD-10\"");
    assertThat(r.path("dictionary").toString()).contains("\"codeSystem\":\"YJ\"", "\"codeSystem\":\"JLAC10\"",
        "\"sensitivity\":\"free_text\"", "\"codeSystem\":\"facility\"");
    // Metadata only: no patient's name (the seed persons' names are kanji) and no pseudonym.
    assertThat(r.toString()).doesNotContainPattern("\"P[0-9A-F]{16}\"").doesNotContainPattern("\"Q[0-9A-F]{16}\"");
  }
}
