package jp.enclave.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.Pipeline;
import jp.enclave.pseudonymizer.project.ExtractProvisioner;
import jp.enclave.pseudonymizer.project.ProjectSpec;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import jp.enclave.sealed.extract.SealedExtract;

/**
 * Project-end time: a steward's close (the API's answer) to the deletion certificate, for a
 * project whose sealed extract holds every person of an N-patient synthetic source (the server
 * archives the project's records, the holder's CLI runs as a process and destroys the keys). The
 * time to the archive is printed on its own. Includes up to one tick (2 s) of the job runner.
 */
final class ClosureFigures {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  record Extract(String project, int patients, long persons, long sealedBytes) {}

  private ClosureFigures() {}

  /** The holder's home the server will use, with a sealed extract of all persons (patient, diagnosis, lab_result). */
  static Extract provision(Path holderHome, String project, int patients) throws Exception {
    long t0 = System.nanoTime();
    HolderHome holder = new HolderHome(holderHome);
    SyntheticSource.generate(new SyntheticSource.Config(20261203, patients, 0.002), holder.source());
    Pipeline.run(holder, 0.5);
    Map<String, List<String>> tables = new LinkedHashMap<>();
    for (String t : List.of("patient", "diagnosis", "lab_result")) {
      tables.put(t, List.of("*"));
    }
    ExtractProvisioner.Result r = ExtractProvisioner.provision(holder, new ProjectSpec(project, "bench end " + project,
        new ProjectSpec.Approval("approved", "bench", LocalDate.now()), tables,
        new ProjectSpec.Cohort(List.of(), null, null, null), null));
    long bytes = Files.size(SealedExtract.sealedPath(holder.extracts(), project));
    System.out.printf("project-end extract: %d source patients, %d persons, %.1f MB sealed, made in %.1f s%n",
        patients, r.persons(), bytes / 1e6, (System.nanoTime() - t0) / 1e9);
    return new Extract(project, patients, r.persons(), bytes);
  }

  static void measure(String base, String steward, Extract e) throws Exception {
    LocalDate today = LocalDate.now(java.time.ZoneId.of("Asia/Tokyo"));
    send(post(base + "api/registry/projects", steward, """
        {"id":"%s","title":"Bench end","organisationId":"org-bench","decisionNumber":"IRB-2","purpose":"benchmark",
         "dataScope":"{\\"projectId\\":\\"%s\\",\\"tables\\":{\\"patient\\":[\\"*\\"]}}",
         "approvedFrom":"%s","approvedUntil":"%s","members":{}}"""
        .formatted(e.project(), e.project(), today.minusDays(1), today.plusYears(1))));
    long t0 = System.nanoTime();
    send(post(base + "api/closures/projects/" + e.project(), steward,
        "{\"cause\":\"closed\",\"reason\":\"benchmark of the project end\"}"));
    long accepted = System.nanoTime() - t0;
    long archived = -1;
    JsonNode c = null;
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (System.nanoTime() < deadline) {
      c = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "api/closures/" + e.project()))
          .header("Authorization", "Bearer " + steward).GET().build()));
      String state = c.path("state").asText();
      if (archived < 0 && c.has("archive")) {
        archived = System.nanoTime() - t0;
      }
      if (state.equals("ended") || state.endsWith("_failed")) {
        break;
      }
      Thread.sleep(100);
    }
    long total = System.nanoTime() - t0;
    if (!"ended".equals(c.path("state").asText())) {
      throw new IllegalStateException("the project did not end: " + c);
    }
    System.out.printf("project end, %d source patients (%d persons, %.1f MB sealed extract): close answered in %.0f ms, "
        + "archive after %.1f s, certificate after %.1f s (%d keys destroyed, %d files archived)%n", e.patients(),
        e.persons(), e.sealedBytes() / 1e6, accepted / 1e6, archived / 1e9, total / 1e9,
        c.path("certificate").path("holder").path("destroyedKeys").size(), c.path("archive").path("files").size());
  }

  private static HttpRequest post(String url, String token, String body) {
    return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString())
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private static String send(HttpRequest r) throws Exception {
    HttpResponse<String> resp = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() >= 300) {
      throw new IllegalStateException(r.uri() + " answered " + resp.statusCode() + ": " + resp.body());
    }
    return resp.body();
  }
}
