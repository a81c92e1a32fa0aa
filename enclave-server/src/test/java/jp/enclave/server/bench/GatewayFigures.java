package jp.enclave.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.Pipeline;
import jp.enclave.pseudonymizer.project.ExtractExport;
import jp.enclave.pseudonymizer.project.ExtractProvisioner;
import jp.enclave.pseudonymizer.project.ProjectSpec;
import jp.enclave.pseudonymizer.synth.SyntheticSource;

/**
 * The link between server and managed gateway, measured as a researcher meets it: session open to
 * the first query answered through the gateway (cold: the open starts the gateway; warm: it runs
 * for another session), and the time from a steward's revocation (the API's answer) to the first
 * refused query through the gateway.
 */
final class GatewayFigures {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;
  private final String researcher;
  private final String steward;
  private final int rounds;

  GatewayFigures(String base, String researcher, String steward, int rounds) {
    this.base = base;
    this.researcher = researcher;
    this.steward = steward;
    this.rounds = rounds;
  }

  /** A small real extract of all tables the bench queries, exported to the gateway zone. */
  static void provision(Path holderHome, Path gatewayHome, String project, int sourcePatients) {
    HolderHome holder = new HolderHome(holderHome);
    SyntheticSource.generate(new SyntheticSource.Config(20240401, sourcePatients, 0), holder.source());
    Pipeline.run(holder, 0.5);
    Map<String, List<String>> tables = new LinkedHashMap<>();
    tables.put("patient", List.of("*"));
    tables.put("diagnosis", List.of("*"));
    ExtractProvisioner.provision(holder, new ProjectSpec(project, "bench " + project,
        new ProjectSpec.Approval("approved", "bench", LocalDate.now()), tables, new ProjectSpec.Cohort(List.of(), null, null, null),
        null));
    ExtractExport.export(holder, project, gatewayHome, null);
  }

  void run() throws Exception {
    awaitNoGateway();
    int cold = Math.max(3, rounds / 5);
    long[] coldOpen = new long[cold];
    for (int i = 0; i < cold; i++) {
      long t = System.nanoTime();
      String[] s = open();
      query(s);
      coldOpen[i] = System.nanoTime() - t;
      end(s[0]);
      awaitNoGateway();
    }
    String[] keeper = open();
    query(keeper);
    long[] warmOpen = new long[rounds];
    long[] revocation = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      long t = System.nanoTime();
      String[] s = open();
      query(s);
      warmOpen[i] = System.nanoTime() - t;
      send(post("api/sessions/" + s[0] + "/revoke", steward, "{\"reason\":\"benchmark\"}"));
      long r0 = System.nanoTime();
      while (true) {
        try {
          query(s);
        } catch (SQLException e) {
          // The refusal can surface on the statement's close ("While closing statement") when the
          // revocation lands between execute and close: read the whole cause chain.
          if (!causes(e).contains("GW-SESSION-ENDED")) {
            throw e;
          }
          break;
        }
        if (System.nanoTime() - r0 > Duration.ofSeconds(60).toNanos()) {
          throw new IllegalStateException("a revoked session was still served after 60 s");
        }
      }
      revocation[i] = System.nanoTime() - r0;
    }
    end(keeper[0]);
    System.out.printf("session open to first query answered, gateway started by the open (cold): median %.0f ms of %d%n",
        pct(coldOpen, 0.5) / 1e6, cold);
    System.out.printf("session open to first query answered, gateway running (warm): median %.0f ms, p95 %.0f ms of %d%n",
        pct(warmOpen, 0.5) / 1e6, pct(warmOpen, 0.95) / 1e6, rounds);
    System.out.printf("revocation (API answered) to first refused query: median %.0f ms, p95 %.0f ms, max %.0f ms of %d%n",
        pct(revocation, 0.5) / 1e6, pct(revocation, 0.95) / 1e6, pct(revocation, 1.0) / 1e6, rounds);
  }

  private String[] open() throws Exception {
    String id = JSON.readTree(send(post("api/sessions", researcher, "{\"projectId\":\"p-bench\"}"))).path("id").asText();
    JsonNode o = JSON.readTree(send(post("api/sessions/" + id + "/open", researcher, null)));
    return new String[] {id, o.path("jdbcUrl").asText()};
  }

  private void end(String id) throws Exception {
    send(post("api/sessions/" + id + "/end", researcher, "{}"));
  }

  private static void query(String[] s) throws SQLException {
    try (Connection c = DriverManager.getConnection(s[1]); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM patient")) {
      rs.next();
    }
  }

  private void awaitNoGateway() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (HTTP.send(HttpRequest.newBuilder(URI.create(base + "health/ready")).build(),
        HttpResponse.BodyHandlers.ofString()).body().contains(" port ")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the gateway did not stop within 60 s of its last session");
      }
      Thread.sleep(100);
    }
  }

  private HttpRequest post(String path, String token, String body) {
    return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString())
        .timeout(Duration.ofMinutes(3)).POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body)).build();
  }

  private static String send(HttpRequest r) throws Exception {
    HttpResponse<String> resp = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() >= 300) {
      throw new IllegalStateException(r.uri() + " answered " + resp.statusCode() + ": " + resp.body());
    }
    return resp.body();
  }

  private static double pct(long[] v, double q) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.floor(q * (s.length - 1) + 0.5))];
  }

  private static String causes(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c.getMessage()).append(" | ");
    }
    return all.toString();
  }
}
