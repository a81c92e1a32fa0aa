package jp.enclave.gateway.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's client of the enclave server: the published JWK set, the project's facts and the
 * feed of its sessions, each a GET with the gateway's own credential as bearer. Plain HTTP is
 * allowed to a loopback server only (the gateway never speaks in clear beyond loopback).
 */
public final class ServerLink {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** What the server says about the project: the approval's end and whether onsite sessions may read free text. */
  public record Facts(Instant approvedUntil, boolean freeTextOnsite) {}

  /** An open session with its current token (renewed while it lives). */
  public record OpenSession(String sessionId, String token) {}

  /** A session that ended, with the server's reason. */
  public record EndedSession(String sessionId, String reason) {}

  /** The server's answer about the project's sessions, as of {@code at} (the server's clock). */
  public record Feed(Instant at, List<OpenSession> open, List<EndedSession> ended) {}

  /** The server answered, but not with what was asked (refused credential, unknown project, bad document). */
  public static final class Refused extends IOException {
    public Refused(String message) {
      super(message);
    }
  }

  private final URI base;
  private final String project;
  private final String credential;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  public ServerLink(URI server, String project, String credential) {
    String s = server.toString();
    this.base = URI.create(s.endsWith("/") ? s : s + "/");
    if (!"https".equals(base.getScheme()) && !("http".equals(base.getScheme()) && loopback(base.getHost()))) {
      throw new IllegalArgumentException("the enclave server must be https, or http on loopback; not " + server);
    }
    if (credential == null || credential.isBlank()) {
      throw new IllegalArgumentException("the gateway's server credential is empty");
    }
    this.project = project;
    this.credential = credential.trim();
  }

  private static boolean loopback(String host) {
    try {
      return host != null && InetAddress.getByName(host).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }

  public URI base() {
    return base;
  }

  /** The server's public JWK set (published without login). */
  public String jwks() throws IOException {
    return get("api/keys/jwks.json", false);
  }

  public Facts facts() throws IOException {
    JsonNode n = JSON.readTree(get("api/gateway-link/projects/" + encoded() + "/facts", true));
    if (!project.equals(n.path("project").asText())) {
      throw new Refused("the server's facts are for project '" + n.path("project").asText() + "', not " + project);
    }
    try {
      return new Facts(Instant.parse(n.path("approvedUntil").asText()), n.path("freeTextOnsite").asBoolean(false));
    } catch (java.time.format.DateTimeParseException e) {
      throw new Refused("the server's facts have no valid approvedUntil");
    }
  }

  public Feed sessions() throws IOException {
    JsonNode n = JSON.readTree(get("api/gateway-link/projects/" + encoded() + "/sessions", true));
    List<OpenSession> open = new ArrayList<>();
    for (JsonNode s : n.path("open")) {
      open.add(new OpenSession(s.path("session").asText(), s.path("token").asText(null)));
    }
    List<EndedSession> ended = new ArrayList<>();
    for (JsonNode s : n.path("ended")) {
      ended.add(new EndedSession(s.path("session").asText(), s.path("reason").asText("ended")));
    }
    try {
      return new Feed(Instant.parse(n.path("at").asText()), open, ended);
    } catch (java.time.format.DateTimeParseException e) {
      throw new Refused("the server's session feed has no valid time");
    }
  }

  private String encoded() {
    return URLEncoder.encode(project, StandardCharsets.UTF_8);
  }

  private String get(String path, boolean authenticated) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET();
    if (authenticated) {
      b.header("Authorization", "Bearer " + credential);
    }
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (r.statusCode() != 200) {
      String body = r.body() == null ? "" : r.body();
      throw new Refused("GET " + path + " answered " + r.statusCode()
          + (body.isEmpty() ? "" : ": " + body.substring(0, Math.min(300, body.length()))));
    }
    return r.body();
  }
}
