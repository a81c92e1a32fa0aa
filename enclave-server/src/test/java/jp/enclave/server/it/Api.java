package jp.enclave.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A small JSON client of the server's API for the integration tests. */
final class Api {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    String code() {
      return body.path("code").asText();
    }
  }

  private final String base;
  private final HttpClient http;

  /** Arquillian names the machine's address; the realm's redirect URIs (and the browser) use localhost. */
  static String local(URL url) {
    String path = url.getPath().endsWith("/") ? url.getPath() : url.getPath() + "/";
    return "http://localhost:" + url.getPort() + path;
  }

  /**
   * The base of the WAR Arquillian deployed, on localhost. The Payara Micro adapter sometimes
   * misses the "application detected" line in a busy Payara's output and then gives the bare
   * host; Arquillian deploys the WAR under its name.
   */
  static String deployed(URL url) {
    String local = local(url);
    return url.getPath().isEmpty() || url.getPath().equals("/") ? local + "enclave-server/" : local;
  }

  /** An API client for the WAR Arquillian deployed (see {@link #deployed}). */
  static Api ofDeployment(URL url) throws java.net.MalformedURLException {
    return new Api(java.net.URI.create(deployed(url)).toURL());
  }

  Api(URL base) {
    this(base, HTTP);
  }

  /** With its own client: the crash tests give each server run a fresh one, so no pooled connection outlives a kill. */
  Api(URL base, HttpClient http) {
    this.base = local(base);
    this.http = http;
  }

  Reply get(String path, String token) throws Exception {
    return send(request(path, token).GET());
  }

  Reply post(String path, String token, String idempotencyKey, String json) throws Exception {
    HttpRequest.Builder b = request(path, token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json == null ? "" : json));
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    return send(b);
  }

  /**
   * A POST of raw bytes (bodies that are not UTF-8, or larger than a call takes), with
   * {@code Expect: 100-continue} as a client of large uploads sends it: the server refuses a
   * declared length above the limit before the body is sent (without it, the refusal and the
   * closed connection arrive while the client is still writing); HTTP/1.1, where 100-continue is defined.
   */
  Reply postBytes(String path, String token, String idempotencyKey, byte[] body) throws Exception {
    return send(request(path, token).version(HttpClient.Version.HTTP_1_1).expectContinue(true).header("Content-Type", "application/json")
        .header("Idempotency-Key", idempotencyKey).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /** A POST with extra headers (e.g. a terminal credential). */
  Reply post(String path, String token, String idempotencyKey, String json, java.util.Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b = request(path, token).header("Content-Type", "application/json")
        .header("Idempotency-Key", idempotencyKey).POST(HttpRequest.BodyPublishers.ofString(json == null ? "" : json));
    headers.forEach(b::header);
    return send(b);
  }

  Reply put(String path, String token, String json) throws Exception {
    return send(request(path, token).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  private HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private Reply send(HttpRequest.Builder b) throws Exception {
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    boolean json = r.headers().firstValue("Content-Type").orElse("").contains("json");
    JsonNode body = r.body().isEmpty() || !json ? JSON.nullNode() : JSON.readTree(r.body());
    return new Reply(r.statusCode(), body, r);
  }
}
