package jp.enclave.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The auditor's command line, a client of the server's audit API (so it answers exactly what the
 * portal answers, under the same policies, and every verification is audited the same way):
 *
 * <pre>
 * ./enclave audit search [--zone Z] [--user U] [--project P] [--event E] [--from T] [--to T] [--limit N]
 * ./enclave audit verify        (exit 1 when any zone's trail or the server's chain does not hold)
 * ./enclave audit witness       (record every zone trail's head now)
 * common: --server URL (default $ENCLAVE_SERVER or http://localhost:8080/), and a bearer token:
 *         --token-file F, $ENCLAVE_TOKEN, or --login USER --issuer URL with $ENCLAVE_PASSWORD
 * </pre>
 */
public final class AuditCli {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> FILTERS = List.of("zone", "user", "project", "event", "from", "to", "limit");

  private AuditCli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs one command; returns the exit code (0 ok, 1 a trail does not hold, 2 usage or refusal). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || !List.of("search", "verify", "witness").contains(args[0])) {
      err.println("usage: audit search|verify|witness [--server URL] [--token-file F | --login USER --issuer URL] "
          + "[--zone Z] [--user U] [--project P] [--event E] [--from T] [--to T] [--limit N]");
      return 2;
    }
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        err.println("bad argument " + args[i] + ": options are --name value");
        return 2;
      }
      o.put(args[i].substring(2), args[++i]);
    }
    try {
      String server = o.getOrDefault("server", System.getenv().getOrDefault("ENCLAVE_SERVER", "http://localhost:8080/"));
      server = server.endsWith("/") ? server : server + "/";
      String token = token(o);
      HttpClient http = HttpClient.newHttpClient();
      switch (args[0]) {
        case "search": {
          StringBuilder q = new StringBuilder("api/audit/trails?");
          for (String f : FILTERS) {
            if (o.containsKey(f)) {
              q.append(f).append('=').append(URLEncoder.encode(o.get(f), StandardCharsets.UTF_8)).append('&');
            }
          }
          JsonNode entries = call(http, server + q, token, false, err);
          if (entries == null) {
            return 2;
          }
          for (JsonNode e : entries) {
            out.println(String.join("\t", e.path("at").asText(), e.path("zone").asText() + "#" + e.path("seq").asText(),
                e.path("user").asText(), e.path("project").asText(), e.path("event").asText(), e.path("target").asText(),
                e.path("detail").asText()));
          }
          err.println(entries.size() + " entries");
          return 0;
        }
        case "verify": {
          JsonNode v = call(http, server + "api/audit/trails/verify", token, false, err);
          if (v == null) {
            return 2;
          }
          JsonNode s = v.path("server");
          out.println("server\t" + (s.path("valid").asBoolean() ? "INTACT" : "BROKEN") + "\t" + s.path("entries").asLong()
              + " entries\t" + s.path("head").asText() + (s.path("problem").isNull() ? "" : "\t" + s.path("problem").asText()));
          boolean ok = s.path("valid").asBoolean();
          for (JsonNode z : v.path("zones")) {
            out.println(z.path("zone").asText() + "\t" + z.path("verdict").asText() + "\t" + z.path("entries").asLong()
                + " entries\t" + z.path("witnessedHeads").asInt() + " witnessed heads"
                + (z.path("problem").isNull() ? "" : "\t" + z.path("problem").asText()));
            ok &= List.of("INTACT", "UNWITNESSED").contains(z.path("verdict").asText());
          }
          return ok ? 0 : 1;
        }
        default: {
          JsonNode v = call(http, server + "api/audit/trails/witness", token, true, err);
          if (v == null) {
            return 2;
          }
          for (JsonNode z : v) {
            out.println(z.path("zone").asText() + "\t" + z.path("verdict").asText() + "\t" + z.path("entries").asLong()
                + " entries\t" + z.path("head").asText());
          }
          return 0;
        }
      }
    } catch (Exception e) {
      err.println("audit " + args[0] + " failed: " + (e.getMessage() == null
          ? e.getClass().getSimpleName() + " (is the server running at the --server address?)" : e.getMessage()));
      return 2;
    }
  }

  private static JsonNode call(HttpClient http, String url, String token, boolean post, PrintStream err) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token);
    if (post) {
      b.header("Idempotency-Key", UUID.randomUUID().toString()).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body = r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
    if (r.statusCode() >= 300) {
      err.println("refused (" + r.statusCode() + " " + body.path("code").asText() + "): " + body.path("detail").asText());
      return null;
    }
    return body;
  }

  private static String token(Map<String, String> o) throws Exception {
    if (o.containsKey("token-file")) {
      return Files.readString(Path.of(o.get("token-file"))).trim();
    }
    if (o.containsKey("login")) {
      String issuer = o.getOrDefault("issuer", "http://localhost:18180/realms/enclave");
      String password = System.getenv("ENCLAVE_PASSWORD");
      if (password == null) {
        char[] typed = System.console() == null ? null : System.console().readPassword("password for %s: ", o.get("login"));
        password = typed == null ? "" : new String(typed);
      }
      String form = "grant_type=password&client_id=enclave-server&client_secret="
          + URLEncoder.encode(System.getenv().getOrDefault("ENCLAVE_CLIENT_SECRET", "enclave-server-dev-secret"),
              StandardCharsets.UTF_8)
          + "&username=" + URLEncoder.encode(o.get("login"), StandardCharsets.UTF_8) + "&password="
          + URLEncoder.encode(password, StandardCharsets.UTF_8)
          + (o.containsKey("totp") ? "&totp=" + o.get("totp") : "");
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(issuer + "/protocol/openid-connect/token")).header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("sign-in as " + o.get("login") + " refused by " + issuer);
      }
      return JSON.readTree(r.body()).path("access_token").asText();
    }
    String env = System.getenv("ENCLAVE_TOKEN");
    if (env == null || env.isBlank()) {
      throw new IllegalStateException("no token: give --token-file, set ENCLAVE_TOKEN, or --login USER");
    }
    return env.trim();
  }
}
