package jp.enclave.server.it;

import static jp.enclave.server.it.Accounts.RESEARCHER_SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.extract.SealedExtract;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PMDA re-identification on Payara Micro against the real PostgreSQL and Keycloak, with the data
 * holder's real home (synthetic source → pseudonymized store → the project's sealed extract, made
 * by the pseudonymizer's CLI) and the server running the holder's {@code reidentify} as a separate
 * process: a released submission carries project pseudonyms, an inspector asks for two of them,
 * two different officers approve, the inspector alone reads source references that the synthetic
 * ground truth confirms. One officer twice, the inspector approving, pseudonyms outside the
 * submission, and anyone else reading the result are refused and audited.
 */
@ExtendWith(Services.class)
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReidApiIT {
  private static final LocalDate TODAY = LocalDate.now(java.time.ZoneId.of("Asia/Tokyo"));
  private static final Map<String, String> TOKENS = new LinkedHashMap<>();
  private static final Map<String, String> TRUTH = new HashMap<>();
  private static List<String> pseudonyms;
  private static String exportId;
  private static String reidId;
  private static long keys;
  /** This class's own data holder home (its synthetic ground truth), given to its server. */
  private static final Path HOLDER_HOME = Holder.itDir().resolve("holder-reid");

  static Map<String, String> serverConfig() {
    return Map.of("enclave.holder.home", HOLDER_HOME.toString());
  }

  @ArquillianResource
  URL base;

  @Deployment(testable = false)
  static WebArchive war() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("enclave.war")));
  }

  private Api api() {
    return new Api(base);
  }

  private static String token(String user) throws Exception {
    String t = TOKENS.get(user);
    if (t == null) {
      t = Accounts.accessToken(user);
      TOKENS.put(user, t);
    }
    return t;
  }

  private Api.Reply post(String user, String path, String json) throws Exception {
    return api().post(path, token(user), "k-reid-" + ++keys, json);
  }

  private static void holder(Path home, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-jar", Holder.jar().toString()));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--home", home.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(600, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", args) + ":\n" + out).isZero();
  }

  @Test
  @Order(1)
  void theDataHolderProvisionsTheProjectAndTheStewardRegistersIt() throws Exception {
    Path home = HOLDER_HOME;
    if (!Files.exists(home.resolve("extracts/p-reid.manifest.json"))) {
      holder(home, "generate", "--patients", "600", "--seed", "7");
      holder(home, "pseudonymize", "--by", "holder");
      Path spec = Files.createTempFile("p-reid", ".spec.json");
      Files.writeString(spec, """
          {"projectId":"p-reid","title":"Post-marketing safety","approval":{"status":"approved","approvedBy":"review-board",
           "approvedOn":"2026-04-01"},"tables":{"patient":["*"],"diagnosis":["*"]},
           "cohort":{"diagnosisIcd10Prefixes":[]},"period":{"from":"2010-01-01","to":"2030-12-31"}}""");
      holder(home, "provision", "--spec", spec.toString());
    }
    HolderHome h = new HolderHome(home);
    List<String> lines = Files.readAllLines(h.source().resolve(SyntheticSource.TRUTH_FILE));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      TRUTH.put(f[0] + "/" + f[1], f[2]);
    }
    try (PrivateScratch scratch = PrivateScratch.create("it")) {
      SealedExtract.Opened opened = SealedExtract.open(SealedExtract.manifestPath(h.extracts(), "p-reid"), "p-reid",
          h.extractVault(), scratch);
      pseudonyms = new ArrayList<>();
      try (Connection c = jp.enclave.pseudonymizer.db.Duck.open(opened.database());
          Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT person_id FROM patient ORDER BY 1 LIMIT 3")) {
        while (r.next()) {
          pseudonyms.add(r.getString(1));
        }
      }
    }
    assertThat(pseudonyms).hasSize(3).allMatch(p -> p.matches("Q[0-9A-F]{16}"));

    String steward = Accounts.accessToken(Accounts.STEWARD);
    assertThat(api().post("api/registry/organisations", steward, "k-reid-org", """
        {"id":"org-r","name":"Osaka Clinical Research","certificationType":"type2","certificationNumber":"II-2026-009",
         "certifiedFrom":"%s","certifiedUntil":"%s"}""".formatted(TODAY.minusYears(1), TODAY.plusYears(1))).status())
        .isEqualTo(201);
    assertThat(api().post("api/registry/users", steward, "k-reid-user", """
        {"subject":"%s","name":"Researcher","organisationId":"org-r"}""".formatted(RESEARCHER_SUBJECT)).status())
        .isEqualTo(201);
    assertThat(api().post("api/registry/projects", steward, "k-reid-project", """
        {"id":"p-reid","title":"Post-marketing safety","organisationId":"org-r","decisionNumber":"IRB-2026-021",
         "purpose":"adverse events after market approval","dataScope":"{\\"projectId\\":\\"p-reid\\",\\"tables\\":{\\"patient\\":[\\"*\\"]}}",
         "approvedFrom":"%s","approvedUntil":"%s","members":{"%s":"LEAD"}}"""
        .formatted(TODAY.minusDays(10), TODAY.plusDays(200), RESEARCHER_SUBJECT)).status()).isEqualTo(201);
  }

  @Test
  @Order(2)
  void aSubmissionNamingThreePseudonymsIsReleased() throws Exception {
    exportId = post("researcher", "api/exports", """
        {"projectId":"p-reid","title":"Cases for the PMDA safety report"}""").body().path("id").asText();
    String text = "Cases of the adverse event, as the PMDA safety report lists them: " + String.join(", ", pseudonyms);
    assertThat(post("researcher", "api/exports/" + exportId + "/items", """
        {"id":"cases","type":"text","name":"cases.txt","content":%s}""".formatted(Api.JSON.writeValueAsString(text)))
        .status()).isEqualTo(201);
    assertThat(post("researcher", "api/exports/" + exportId + "/submit", "{}").status()).isEqualTo(200);
    long until = System.nanoTime() + 180_000_000_000L;
    JsonNode v = null;
    while (System.nanoTime() < until) {
      v = api().get("api/exports/" + exportId, token("researcher")).body();
      if (v.path("state").asText().equals("checked")) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(v.path("state").asText()).as(v.toString()).isEqualTo("checked");
    int required = v.path("requiredApprovals").asInt();
    assertThat(post("reviewer", "api/exports/" + exportId + "/votes", """
        {"approve":true,"comment":"the submission to the PMDA names its cases by pseudonym"}""").status()).isEqualTo(201);
    if (required == 2) {
      assertThat(post("reviewer-2", "api/exports/" + exportId + "/votes", """
          {"approve":true,"comment":"required by the PMDA"}""").status()).isEqualTo(201);
    }
    assertThat(api().get("api/exports/" + exportId, token("researcher")).body().path("state").asText()).isEqualTo("released");
  }

  @Test
  @Order(3)
  void onlyAnInspectorFilesAndOnlyForPseudonymsOfTheSubmission() throws Exception {
    Api.Reply outside = post("inspector", "api/reidentifications", """
        {"exportId":"%s","pseudonyms":["%s","Q0123456789ABCDEF"],"legalBasis":"PMD Act art. 69 (on-site inspection 2026-031)"}"""
        .formatted(exportId, pseudonyms.get(0)));
    assertThat(outside.status()).isEqualTo(403);
    assertThat(outside.code()).isEqualTo("pseudonyms-outside-submission");
    Api.Reply researcher = post("researcher", "api/reidentifications", """
        {"exportId":"%s","pseudonyms":["%s"],"legalBasis":"PMD Act art. 69 (on-site inspection 2026-031)"}"""
        .formatted(exportId, pseudonyms.get(0)));
    assertThat(researcher.status()).isEqualTo(403);
    assertThat(researcher.code()).isEqualTo("not-permitted");
    assertThat(count("select count(*) from reid_request")).isZero();
    assertThat(count("select count(*) from audit_event where event = 'reid.refused'")).isEqualTo(1);

    Api.Reply filed = post("inspector", "api/reidentifications", """
        {"exportId":"%s","pseudonyms":["%s","%s"],"legalBasis":"PMD Act art. 69 (on-site inspection 2026-031)"}"""
        .formatted(exportId, pseudonyms.get(0), pseudonyms.get(1)));
    assertThat(filed.status()).as(filed.body().toString()).isEqualTo(201);
    assertThat(filed.body().path("state").asText()).isEqualTo("filed");
    reidId = filed.body().path("id").asText();
  }

  @Test
  @Order(4)
  void twoDifferentOfficersMustApprove() throws Exception {
    Api.Reply byInspector = post("inspector", "api/reidentifications/" + reidId + "/approve", null);
    assertThat(byInspector.status()).isEqualTo(403);
    assertThat(byInspector.code()).isEqualTo("filer-never-approves");
    assertThat(post("reviewer", "api/reidentifications/" + reidId + "/approve", null).code()).isEqualTo("not-permitted");
    Api.Reply first = post("reid-officer-1", "api/reidentifications/" + reidId + "/approve", null);
    assertThat(first.status()).as(first.body().toString()).isEqualTo(200);
    assertThat(first.body().path("state").asText()).isEqualTo("one-approval");
    Api.Reply again = post("reid-officer-1", "api/reidentifications/" + reidId + "/approve", null);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.code()).isEqualTo("same-officer");
    Thread.sleep(3000);
    assertThat(count("select count(*) from reid_job")).as("nothing runs on one approval").isZero();
    Api.Reply second = post("reid-officer-2", "api/reidentifications/" + reidId + "/approve", null);
    assertThat(second.body().path("state").asText()).isEqualTo("approved");
  }

  @Test
  @Order(5)
  void theHolderResolvesThemAndOnlyTheInspectorReadsTheSourcesTheGroundTruthConfirms() throws Exception {
    long until = System.nanoTime() + 300_000_000_000L;
    JsonNode v = null;
    while (System.nanoTime() < until) {
      v = api().get("api/reidentifications/" + reidId, token("reid-officer-1")).body();
      if (Set.of("completed", "failed").contains(v.path("state").asText())) {
        break;
      }
      Thread.sleep(1000);
    }
    assertThat(v.path("state").asText()).as(v.toString()).isEqualTo("completed");
    for (String other : List.of("reid-officer-1", "reid-officer-2", "researcher", "reviewer")) {
      Api.Reply r = api().get("api/reidentifications/" + reidId + "/result", token(other));
      assertThat(r.status()).as(other).isIn(403, 404);
      assertThat(r.body().toString()).doesNotContain("hospital");
    }
    Api.Reply result = api().get("api/reidentifications/" + reidId + "/result", token("inspector"));
    assertThat(result.status()).isEqualTo(200);
    JsonNode sources = result.body().path("sources");
    assertThat(sources.size()).isEqualTo(2);
    for (String q : pseudonyms.subList(0, 2)) {
      JsonNode list = sources.path(q);
      assertThat(list.size()).as(q).isPositive();
      Set<String> persons = new java.util.HashSet<>();
      list.forEach(s -> persons.add(TRUTH.get(s.path("hospital").asText() + "/" + s.path("localPatientId").asText())));
      assertThat(persons).as("sources of " + q + " are one person of the ground truth").hasSize(1).doesNotContainNull();
    }
    assertThat(result.body().toString()).doesNotContain(pseudonyms.get(2));
    assertThat(count("select count(*) from audit_event where event = 'reid.result-read'")).isEqualTo(1);
    assertThat(count("select count(*) from audit_event where event = 'reid.completed'")).isEqualTo(1);
    assertThat(Files.readString(HOLDER_HOME.resolve("holder/audit.jsonl")))
        .contains("reidentification.run").contains(reidId);
    Api.Reply verify = api().get("api/audit/verify", Accounts.accessToken(Accounts.AUDITOR));
    assertThat(verify.body().toString()).contains("true");
  }

  private static long count(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(Services.jdbcUrl(), "postgres", "");
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
