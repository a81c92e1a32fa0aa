package jp.enclave.server.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import jp.enclave.server.it.Accounts;
import jp.enclave.server.launcher.Database;
import jp.enclave.server.launcher.IdentityProvider;
import jp.enclave.server.launcher.PayaraServer;

/**
 * Requests per second and latency percentiles of the main API calls under concurrent clients on
 * loopback, against the real stack (embedded PostgreSQL, Keycloak, Payara Micro with the WAR).
 * Baseline in the same run: Payara's own liveness endpoint (no application code, no database).
 * Also: the identity provider's token grant (password + TOTP) and book-to-open of a session; the
 * managed gateway's figures ({@link GatewayFigures}); the airlock's and re-identification's
 * ({@link AirlockFigures}); login to the portal in headless Chromium ({@link LoginFigures}); project
 * end ({@link ClosureFigures}, on its own).
 *
 * <pre>./enclave bench enclave-server [--clients 50] [--seconds 15] [--gateway-rounds 20] [--login-rounds 20]
 *     [--totp-rounds 10] [--parts api,gateway,airlock | --parts end [--end-patients 1000000]] [--airlock-rounds 3]</pre>
 */
public final class ServerBenchmark {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    int clients = arg(args, "--clients", 50);
    int seconds = arg(args, "--seconds", 15);
    Path dir = Files.createTempDirectory("enclave-bench");
    Path target = Path.of(System.getProperty("enclave.target", "enclave-server/target")).toAbsolutePath();
    // Free ports: other builds on the machine may run their own servers.
    int port = freePort();
    int rounds = arg(args, "--gateway-rounds", 20);
    int loginRounds = arg(args, "--login-rounds", 20);
    int totpRounds = arg(args, "--totp-rounds", 10);
    Set<String> parts = Set.of(argText(args, "--parts", "api,gateway,airlock").split(","));
    // The managed gateway serves a real extract the data holder's pipeline provisions and exports
    // (2,000 source patients: the re-identification figure needs 1,000 persons of the project).
    Path gatewayHome = dir.resolve("gateway");
    // The project-end part runs on its own: its holder zone holds a large extract of its own, and
    // the server has one holder zone (the airlock's figures need the 2,000-patient one).
    if (parts.contains("end") && parts.size() > 1) {
      throw new IllegalArgumentException("--parts end runs on its own (its holder zone holds the large extract to erase)");
    }
    Path holderHome = dir.resolve("holder");
    GatewayFigures.provision(holderHome, gatewayHome, "p-bench", 2000);
    Path endHolder = dir.resolve("holder-end");
    ClosureFigures.Extract endExtract = parts.contains("end")
        ? ClosureFigures.provision(endHolder, "p-end", arg(args, "--end-patients", 1_000_000)) : null;
    Map<String, String> config = new java.util.HashMap<>(Map.of("enclave.gateways.jar", System.getProperty("enclave.gateway.jar"),
        "enclave.gateways.home", gatewayHome.toString(), "enclave.gateways.server-url", "http://127.0.0.1:" + port + "/",
        "enclave.gateways.stop-grace-seconds", "1", "enclave.gateways.options", "--memory-limit 1GB --max-workers 2",
        "enclave.gateway.address", "127.0.0.1:" + freePort()));
    config.putAll(AirlockFigures.serverConfig(target, endExtract != null ? endHolder : holderHome, gatewayHome));
    config.putAll(Map.of("enclave.closure.archive-dir", dir.resolve("archive").toString(),
        "enclave.closure.end-lapsed-projects", "false"));
    try (Database db = Database.Embedded.start(dir.resolve("pg"));
        IdentityProvider idp = IdentityProvider.Keycloak.start(target.resolve("keycloak-26.7.3"), freePort(), dir);
        PayaraServer server = PayaraServer.start(target.resolve("payara-micro.jar"), target.resolve("enclave-server.war"),
            port, PayaraServer.properties(db, idp, config), dir)) {
      String base = "http://localhost:" + port + "/";
      String steward = Accounts.accessToken(idp.issuer(), Accounts.STEWARD);
      long[] grant = new long[10];
      String researcher = null;
      for (int i = 0; i < grant.length; i++) {
        long t = System.nanoTime();
        researcher = Accounts.accessToken(idp.issuer(), Accounts.RESEARCHER);
        grant[i] = System.nanoTime() - t;
      }
      seed(base, steward);

      System.out.printf("enclave-server benchmark: %d clients, %d s per call, loopback%n", clients, seconds);
      System.out.printf("token grant from Keycloak (password grant, researcher): median %.1f ms of %d%n",
          median(grant) / 1e6, grant.length);
      long[] bookOpen = new long[20];
      List<String> opened = new ArrayList<>();
      for (int i = 0; i < bookOpen.length; i++) {
        long t = System.nanoTime();
        String id = json(send(post(base + "api/sessions", researcher, "{\"projectId\":\"p-bench\"}")), "id");
        send(post(base + "api/sessions/" + id + "/open", researcher, null));
        bookOpen[i] = System.nanoTime() - t;
        opened.add(id);
      }
      System.out.printf("book + open a session (token issued; the first also starts the gateway): median %.1f ms of %d%n",
          median(bookOpen) / 1e6, bookOpen.length);
      for (String id : opened) {
        send(post(base + "api/sessions/" + id + "/end", researcher, "{}"));
      }
      if (endExtract != null) {
        ClosureFigures.measure(base, steward, endExtract);
        return;
      }
      if (parts.contains("gateway")) {
        new GatewayFigures(base, researcher, steward, rounds).run();
      }
      if (parts.contains("airlock")) {
        new AirlockFigures(base, idp.issuer(), holderHome, gatewayHome, arg(args, "--airlock-rounds", 3)).run();
      }
      if (!parts.contains("api")) {
        return;
      }
      // Before the load runs, so Keycloak's and Payara's figures are not those of a saturated JVM.
      LoginFigures login = new LoginFigures(base);
      login.run(Accounts.RESEARCHER, loginRounds);
      login.run(Accounts.STEWARD, totpRounds);

      Result baseline = run("GET /health/live (baseline)", clients, seconds,
          i -> HttpRequest.newBuilder(URI.create(base + "health/live")).GET().build());
      List<Result> results = new ArrayList<>();
      // The login rounds outlast Keycloak's access-token lifetime (5 min): a fresh token for the load.
      String rt = Accounts.accessToken(idp.issuer(), Accounts.RESEARCHER);
      results.add(run("GET /api/public/projects", clients, seconds,
          i -> HttpRequest.newBuilder(URI.create(base + "api/public/projects")).GET().build()));
      results.add(run("GET /api/sessions (bearer)", clients, seconds,
          i -> HttpRequest.newBuilder(URI.create(base + "api/sessions")).header("Authorization", "Bearer " + rt)
              .GET().build()));
      results.add(run("POST /api/sessions (book: policy, write, audit)", clients, seconds,
          i -> post(base + "api/sessions", rt, "{\"projectId\":\"p-bench\"}")));
      System.out.printf("%-50s %10s %9s %9s %8s%n", "call", "req/s", "p50 ms", "p95 ms", "vs base");
      print(baseline, baseline);
      results.forEach(r -> print(r, baseline));
    }
  }

  private record Result(String name, double perSecond, double p50, double p95, long errors) {}

  private static Result run(String name, int clients, int seconds, IntFunction<HttpRequest> request) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    AtomicLong errors = new AtomicLong();
    List<Future<List<Long>>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      futures.add(pool.submit(() -> {
        List<Long> lat = new ArrayList<>();
        int i = 0;
        while (System.nanoTime() < end) {
          long t = System.nanoTime();
          HttpResponse<String> r = HTTP.send(request.apply(i++), HttpResponse.BodyHandlers.ofString());
          lat.add(System.nanoTime() - t);
          if (r.statusCode() >= 300) {
            errors.incrementAndGet();
          }
        }
        return lat;
      }));
    }
    List<Long> all = new ArrayList<>();
    for (Future<List<Long>> f : futures) {
      all.addAll(f.get());
    }
    pool.shutdown();
    long[] l = all.stream().mapToLong(Long::longValue).sorted().toArray();
    return new Result(name, l.length / (double) seconds, l[l.length / 2] / 1e6, l[(int) (l.length * 0.95)] / 1e6,
        errors.get());
  }

  private static void print(Result r, Result baseline) {
    System.out.printf("%-50s %10.0f %9.1f %9.1f %7.2fx%s%n", r.name(), r.perSecond(), r.p50(), r.p95(),
        r.perSecond() / baseline.perSecond(), r.errors() > 0 ? "  (" + r.errors() + " non-2xx)" : "");
  }

  private static void seed(String base, String steward) throws Exception {
    LocalDate today = LocalDate.now(java.time.ZoneId.of("Asia/Tokyo"));
    send(post(base + "api/registry/organisations", steward, """
        {"id":"org-bench","name":"Bench University","certificationType":"type2","certificationNumber":"II-1",
         "certifiedFrom":"%s","certifiedUntil":"%s"}""".formatted(today.minusYears(1), today.plusYears(1))));
    send(post(base + "api/registry/users", steward, """
        {"subject":"%s","name":"Bench Researcher","organisationId":"org-bench"}""".formatted(Accounts.RESEARCHER_SUBJECT)));
    send(post(base + "api/registry/users/" + Accounts.RESEARCHER_SUBJECT + "/trainings", steward, """
        {"course":"privacy","completedOn":"%s","expiresOn":"%s"}""".formatted(today.minusDays(1), today.plusYears(1))));
    send(post(base + "api/registry/projects", steward, """
        {"id":"p-bench","title":"Bench","organisationId":"org-bench","decisionNumber":"IRB-1","purpose":"benchmark",
         "dataScope":"{\\"projectId\\":\\"p-bench\\",\\"tables\\":{\\"patient\\":[\\"*\\"]}}",
         "approvedFrom":"%s","approvedUntil":"%s","members":{"%s":"LEAD"}}"""
        .formatted(today.minusDays(1), today.plusYears(1), Accounts.RESEARCHER_SUBJECT)));
  }

  private static HttpRequest post(String url, String token, String body) {
    return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString())
        .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body)).build();
  }

  private static String send(HttpRequest r) throws Exception {
    HttpResponse<String> resp = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() >= 300) {
      throw new IllegalStateException(r.uri() + " answered " + resp.statusCode() + ": " + resp.body());
    }
    return resp.body();
  }

  private static String json(String body, String field) throws Exception {
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path(field).asText();
  }

  private static double median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String argText(String[] args, String name, String dflt) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return dflt;
  }

  private static int arg(String[] args, String name, int dflt) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return dflt;
  }
}
