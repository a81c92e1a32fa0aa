package jp.enclave.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.extract.SealedExtract;
import jp.enclave.server.it.Accounts;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The airlock's and re-identification's figures (issue 15), on the benchmark's real stack:
 * <ul>
 *   <li>submit to checked for a request of 10 tables, each the result of a real query through the
 *   managed gateway and citing its query ID, so the output checker (a separate process, as in
 *   production) recomputes every cell on the sealed extract from the gateway's audit trail;</li>
 *   <li>the review page's load time in headless Chromium (the portal page with the checker's report
 *   in its sandboxed frame; Navigation Timing's load event, signed in as a reviewer);</li>
 *   <li>re-identification of 1,000 pseudonyms of a released submission: from the second officer's
 *   approval to the result available to the inspector (the holder's CLI as a separate process in
 *   its zone), and the inspector's read of the result.</li>
 * </ul>
 */
final class AirlockFigures {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final String PROJECT = "p-bench";

  private final String base;
  private final String issuer;
  private final Path holderHome;
  private final Path gatewayHome;
  private final int rounds;
  private final Map<String, String> tokens = new LinkedHashMap<>();

  AirlockFigures(String base, String issuer, Path holderHome, Path gatewayHome, int rounds) {
    this.base = base;
    this.issuer = issuer;
    this.holderHome = holderHome;
    this.gatewayHome = gatewayHome;
    this.rounds = rounds;
  }

  /** What the server needs to run the checker (with provenance) and the holder's re-identification. */
  static Map<String, String> serverConfig(Path target, Path holderHome, Path gatewayHome) {
    return Map.of("enclave.checker.jar", target.resolve("zones/output-checker-cli.jar").toString(),
        "enclave.checker.extract-home", gatewayHome.toString(),
        "enclave.checker.gateway-audit", gatewayHome.resolve("audit").resolve("gateway-" + PROJECT + ".jsonl").toString(),
        "enclave.pseudonymizer.jar", target.resolve("zones/pseudonymizer-cli.jar").toString(),
        "enclave.holder.home", holderHome.toString(), "enclave.holder.java-options", "-Xmx768m");
  }

  private String token(String user) throws Exception {
    String t = tokens.get(user);
    if (t == null) {
      t = Accounts.accessToken(issuer, user);
      tokens.put(user, t);
    }
    return t;
  }

  void run() throws Exception {
    List<String[]> tables = tablesThroughTheGateway();
    long[] checked = new long[rounds];
    String reviewed = null;
    for (int i = 0; i < rounds; i++) {
      String id = create("Ten tables, round " + (i + 1));
      for (int t = 0; t < tables.size(); t++) {
        send(post("api/exports/" + id + "/items", "researcher", """
            {"id":"t%d","type":"table","name":"dx%d.csv","tableKind":"frequency","content":%s,"queries":["%s"]}"""
            .formatted(t + 1, t + 1, JSON.writeValueAsString(tables.get(t)[1]), tables.get(t)[0])));
      }
      long t0 = System.nanoTime();
      send(post("api/exports/" + id + "/submit", "researcher", "{}"));
      JsonNode v = await(id, "checked", Duration.ofMinutes(10), 100);
      checked[i] = System.nanoTime() - t0;
      if (i == 0) {
        JsonNode results = JSON.readTree(send(get("api/exports/" + id, "researcher")));
        List<String> verdicts = new ArrayList<>();
        results.path("items").forEach(x -> verdicts.add(x.path("verdict").asText()));
        System.out.printf("  10 tables checked with provenance: verdicts %s%n", verdicts);
        String report = send(get("api/exports/" + id + "/report", "reviewer"));
        long recomputed = report.split("recomputed", -1).length - 1;
        System.out.printf("  the report names %d recomputations from cited queries (report %d kB)%n", recomputed,
            report.length() / 1024);
      }
      reviewed = v.path("id").asText(id);
    }
    System.out.printf("submit to checked, 10 tables with provenance (checker as a process): median %.0f ms, all %s ms%n",
        pct(checked, 0.5) / 1e6, ms(checked));

    reviewPageLoad(reviewed);
    reidentification();
  }

  /** Ten aggregate queries run by the researcher through the managed gateway: [queryId, CSV of the result]. */
  private List<String[]> tablesThroughTheGateway() throws Exception {
    String sid = JSON.readTree(send(post("api/sessions", "researcher", "{\"projectId\":\"" + PROJECT + "\"}"))).path("id").asText();
    String jdbc = JSON.readTree(send(post("api/sessions/" + sid + "/open", "researcher", null))).path("jdbcUrl").asText();
    List<String> csv = new ArrayList<>();
    String letters = "ABCDEFGHIJ";
    try (Connection c = DriverManager.getConnection(jdbc); Statement st = c.createStatement()) {
      for (int i = 0; i < 10; i++) {
        String sql = "SELECT icd10, count(DISTINCT person_id) AS n FROM diagnosis WHERE icd10 >= '" + letters.charAt(i)
            + "' GROUP BY icd10 ORDER BY icd10";
        StringBuilder sb = new StringBuilder();
        try (ResultSet rs = st.executeQuery(sql)) {
          ResultSetMetaData md = rs.getMetaData();
          sb.append(md.getColumnLabel(1)).append(',').append(md.getColumnLabel(2)).append('\n');
          while (rs.next()) {
            sb.append(rs.getString(1)).append(',').append(rs.getLong(2)).append('\n');
          }
        }
        csv.add(sb.toString());
      }
    }
    send(post("api/sessions/" + sid + "/end", "researcher", "{}"));
    // The IDs the gateway gave these queries, from its audit trail (the file the checker reads too).
    List<String> ids = new ArrayList<>();
    Map<String, String> accepted = new LinkedHashMap<>();
    for (String line : Files.readAllLines(gatewayHome.resolve("audit").resolve("gateway-" + PROJECT + ".jsonl"))) {
      JsonNode e = JSON.readTree(line);
      String q = e.path("data").path("queryId").asText(null);
      if (q != null && e.path("event").asText().equals("query.accepted")
          && e.path("data").path("duckdbSql").asText().contains("icd10")) {
        accepted.put(q, e.path("data").path("duckdbSql").asText());
      }
    }
    ids.addAll(accepted.keySet());
    if (ids.size() < 10) {
      throw new IllegalStateException("the gateway's audit trail holds " + ids.size() + " of the 10 queries");
    }
    List<String> last = ids.subList(ids.size() - 10, ids.size());
    List<String[]> out = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      out.add(new String[] {last.get(i), csv.get(i)});
    }
    return out;
  }

  private void reviewPageLoad(String requestId) throws Exception {
    ChromeOptions o = new ChromeOptions();
    o.setBinary("/usr/bin/chromium");
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--window-size=1400,1600", "--lang=en",
        "--user-data-dir=" + Files.createTempDirectory("chromium-profile"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
    WebDriver d = new ChromeDriver(service, o);
    try {
      String page = base + "portal/review.xhtml?id=" + requestId;
      d.get(page);
      WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(120));
      wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
      d.findElement(By.id("username")).sendKeys("reviewer");
      d.findElement(By.id("password")).sendKeys(Accounts.password("reviewer"));
      d.findElement(By.id("kc-login")).click();
      wait.until(ExpectedConditions.presenceOfElementLocated(By.id("signed-in-as")));
      int loads = Math.max(10, rounds * 5);
      long[] load = new long[loads];
      for (int i = -2; i < loads; i++) {
        d.get(page);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("report")));
        Object ms = ((JavascriptExecutor) d).executeScript(
            "const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime;");
        if (i >= 0) {
          load[i] = Math.round(((Number) ms).doubleValue() * 1e6);
        }
      }
      String html = d.getPageSource();
      System.out.printf("review page load (portal page + the checker's report of 10 tables in its frame, %d kB, "
          + "headless Chromium, load event): median %.0f ms, p95 %.0f ms of %d (2 warm-up loads)%n",
          html.length() / 1024, pct(load, 0.5) / 1e6, pct(load, 0.95) / 1e6, loads);
    } finally {
      d.quit();
    }
  }

  private void reidentification() throws Exception {
    HolderHome h = new HolderHome(holderHome);
    List<String> pseudonyms = new ArrayList<>();
    try (PrivateScratch scratch = PrivateScratch.create("bench")) {
      SealedExtract.Opened opened = SealedExtract.open(SealedExtract.manifestPath(h.extracts(), PROJECT), PROJECT,
          h.extractVault(), scratch);
      try (Connection c = jp.enclave.pseudonymizer.db.Duck.open(opened.database());
          Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT DISTINCT person_id FROM patient ORDER BY 1 LIMIT 1000")) {
        while (r.next()) {
          pseudonyms.add(r.getString(1));
        }
      }
    }
    if (pseudonyms.size() < 1000) {
      System.out.printf("re-identification of 1,000 pseudonyms: not measured, the extract has only %d persons%n",
          pseudonyms.size());
      return;
    }
    String id = create("Cases for the PMDA");
    send(post("api/exports/" + id + "/items", "researcher", """
        {"id":"cases","type":"text","name":"cases.txt","content":%s}""".formatted(
        JSON.writeValueAsString("Cases named in the PMDA safety report:\n" + String.join("\n", pseudonyms)))));
    send(post("api/exports/" + id + "/submit", "researcher", "{}"));
    JsonNode v = await(id, "checked", Duration.ofMinutes(10), 200);
    send(post("api/exports/" + id + "/votes", "reviewer", "{\"approve\":true,\"comment\":\"for the PMDA\"}"));
    if (v.path("requiredApprovals").asInt() == 2) {
      send(post("api/exports/" + id + "/votes", "reviewer-2", "{\"approve\":true,\"comment\":\"for the PMDA\"}"));
    }
    long[] run = new long[rounds];
    long[] read = new long[rounds];
    int resolved = 0;
    for (int i = 0; i < rounds; i++) {
      String body = JSON.createObjectNode().put("exportId", id).put("legalBasis", "PMD Act art. 69 (benchmark)")
          .set("pseudonyms", JSON.valueToTree(pseudonyms)).toString();
      String reid = JSON.readTree(send(post("api/reidentifications", "inspector", body))).path("id").asText();
      send(post("api/reidentifications/" + reid + "/approve", "reid-officer-1", null));
      long t0 = System.nanoTime();
      send(post("api/reidentifications/" + reid + "/approve", "reid-officer-2", null));
      while (true) {
        String state = JSON.readTree(send(get("api/reidentifications/" + reid, "reid-officer-1"))).path("state").asText();
        if (state.equals("completed")) {
          break;
        }
        if (state.equals("failed") || System.nanoTime() - t0 > Duration.ofMinutes(10).toNanos()) {
          throw new IllegalStateException("re-identification " + reid + " ended " + state);
        }
        Thread.sleep(100);
      }
      run[i] = System.nanoTime() - t0;
      long r0 = System.nanoTime();
      JsonNode result = JSON.readTree(send(get("api/reidentifications/" + reid + "/result", "inspector")));
      read[i] = System.nanoTime() - r0;
      resolved = result.path("sources").size();
    }
    System.out.printf("re-identification of 1,000 pseudonyms (second approval to result, holder's CLI as a process): "
        + "median %.0f ms, all %s ms; %d resolved; the inspector's read of the result: median %.0f ms%n",
        pct(run, 0.5) / 1e6, ms(run), resolved, pct(read, 0.5) / 1e6);
  }

  private String create(String title) throws Exception {
    return JSON.readTree(send(post("api/exports", "researcher", """
        {"projectId":"%s","title":"%s"}""".formatted(PROJECT, title)))).path("id").asText();
  }

  private JsonNode await(String id, String state, Duration limit, long pollMs) throws Exception {
    long until = System.nanoTime() + limit.toNanos();
    while (true) {
      JsonNode v = JSON.readTree(send(get("api/exports/" + id, "researcher")));
      String s = v.path("state").asText();
      if (s.equals(state)) {
        return v;
      }
      if (s.equals("check-failed") || System.nanoTime() > until) {
        throw new IllegalStateException("export " + id + " is " + s + ": " + v.path("check"));
      }
      Thread.sleep(pollMs);
    }
  }

  private HttpRequest post(String path, String user, String body) throws Exception {
    return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token(user))
        .header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString())
        .timeout(Duration.ofMinutes(3)).POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body)).build();
  }

  private HttpRequest get(String path, String user) throws Exception {
    return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token(user))
        .timeout(Duration.ofMinutes(3)).GET().build();
  }

  private static String send(HttpRequest r) throws Exception {
    HttpResponse<String> resp = HTTP.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (resp.statusCode() >= 300) {
      throw new IllegalStateException(r.method() + " " + r.uri() + " answered " + resp.statusCode() + ": " + resp.body());
    }
    return resp.body();
  }

  private static String ms(long[] v) {
    return Arrays.toString(Arrays.stream(v).map(x -> Math.round(x / 1e6)).toArray());
  }

  private static double pct(long[] v, double q) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.floor(q * s.length))];
  }
}
