package jp.enclave.pseudonymizer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import jp.enclave.pseudonymizer.project.ExtractExport;
import jp.enclave.pseudonymizer.project.ExtractProvisioner;
import jp.enclave.pseudonymizer.project.ProjectException;
import jp.enclave.pseudonymizer.project.ProjectSpec;
import jp.enclave.sealed.extract.SealedExtract;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Provisions a project's extract and, with {@code --zone-home}, exports it to the zones that read
 * it. A repeat with the same scope provisions nothing again (it only exports again). With
 * {@code --progress json} every line on standard output is one JSON event, for a caller that runs
 * this as a job (the enclave server): {@code progress} events, then one {@code done} or
 * {@code failed}. No event carries a data value: phases, table names, counts.
 */
@Command(name = "provision", description = "Provision an approved project's sealed extract from its spec (JSON); "
    + "a repeat with the same scope leaves the extract as it is.")
final class ProvisionCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

  @Mixin HomeOption home;

  @Option(names = "--spec", required = true, description = "The spec file, or - to read it from standard input.")
  String spec;

  @Option(names = "--zone-home", description = "Home of a zone that reads extracts (gateway, checker); the extract "
      + "is exported there after provisioning. Repeatable.")
  List<Path> zoneHomes = new ArrayList<>();

  @Option(names = "--progress", defaultValue = "text", description = "text (default) or json (one event per line).")
  String progress;

  @Override
  public Integer call() {
    if (!List.of("text", "json").contains(progress)) {
      throw new ProjectException("--progress must be text or json, is '" + progress + "'");
    }
    boolean json = progress.equals("json");
    try {
      ProjectSpec s = read();
      int exports = zoneHomes.size();
      // Provisioning is 90 % of the bar when exports follow, all of it otherwise.
      int span = exports == 0 ? 100 : 90;
      ExtractProvisioner.Result r = ExtractProvisioner.provisionOnce(home.get(), s, (phase, step, steps, detail) -> {
        if (json) {
          event("progress", Map.of("phase", phase, "step", step, "steps", steps,
              "percent", steps == 0 ? 0 : step * span / steps, "detail", detail));
        }
      });
      List<String> exported = new ArrayList<>();
      for (int i = 0; i < exports; i++) {
        Path zone = zoneHomes.get(i);
        if (json) {
          event("progress", Map.of("phase", "export", "step", i, "steps", exports, "percent", span + i * 10 / exports,
              "detail", zone.getFileName().toString()));
        }
        ExtractExport.Result e = ExtractExport.export(home.get(), r.projectId(), zone, null);
        exported.add(e.zoneHome().toString());
      }
      if (json) {
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("project", r.projectId());
        done.put("alreadyProvisioned", r.alreadyProvisioned());
        done.put("persons", r.alreadyProvisioned() ? null : r.persons());
        done.put("millis", r.millis());
        Map<String, Long> rows = new LinkedHashMap<>();
        r.manifest().tables().forEach(t -> rows.put(t.name(), t.rowCount()));
        done.put("tables", rows);
        done.put("exportedTo", exported);
        done.put("percent", 100);
        event("done", done);
      } else {
        print(r, home.get().extracts());
        exported.forEach(z -> System.out.println("  exported to " + z));
      }
      return 0;
    } catch (RuntimeException e) {
      if (json) {
        event("failed", Map.of("reason", String.valueOf(e.getMessage())));
      }
      throw e;
    }
  }

  private ProjectSpec read() {
    try {
      return spec.equals("-")
          ? JSON.readValue(System.in, ProjectSpec.class)
          : JSON.readValue(Path.of(spec).toFile(), ProjectSpec.class);
    } catch (IOException e) {
      throw new ProjectException("project spec " + (spec.equals("-") ? "(standard input)" : spec)
          + " is not valid JSON for a spec: " + e.getMessage(), e);
    }
  }

  private static void event(String event, Map<String, ?> fields) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("event", event);
    line.putAll(fields);
    try {
      System.out.println(JSON.writeValueAsString(line));
      System.out.flush();
    } catch (IOException e) {
      throw new ProjectException("cannot write progress: " + e.getMessage(), e);
    }
  }

  static void print(ExtractProvisioner.Result r, Path extracts) {
    if (r.alreadyProvisioned()) {
      System.out.printf("project %s: already provisioned with this scope; extract left as it is%n", r.projectId());
    } else {
      System.out.printf("project %s: %,d persons provisioned in %.2f s%n", r.projectId(), r.persons(),
          r.millis() / 1000.0);
    }
    r.manifest().tables().forEach(t -> System.out.printf("  %-16s %,12d rows%n", t.name(), t.rowCount()));
    System.out.println("  sealed extract: " + SealedExtract.sealedPath(extracts, r.projectId()));
    System.out.println("  manifest:       " + SealedExtract.manifestPath(extracts, r.projectId()));
  }
}
