package jp.enclave.gateway.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import jp.enclave.audit.AuditLog;

/**
 * What a gateway that died without closing (killed, out of memory, power loss) leaves, cleared
 * when the next one starts: its decrypted extract in RAM scratch is removed, and its audit trail
 * is completed, so every accepted query has an end ({@code gateway_crashed}) and the crash itself
 * is on record.
 */
final class CrashRecovery {
  static final String SCRATCH_PREFIX = "enclave-gateway-";
  static final String OWNER_FILE = "owner.pid";

  private CrashRecovery() {}

  /** Marks the scratch as this process's, so a later start can tell whether its owner is gone. */
  static void claim(Path scratchDir) {
    try {
      Path owner = scratchDir.resolve(OWNER_FILE);
      Files.writeString(owner, Long.toString(ProcessHandle.current().pid()));
      Files.setPosixFilePermissions(owner, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot mark the gateway's scratch: " + e.getMessage(), e);
    }
  }

  /** Removes gateway scratch folders under {@code base} whose owning process no longer runs. */
  static List<String> sweepStaleScratch(Path base) {
    List<String> removed = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(base)) {
      for (Path dir : dirs.filter(p -> p.getFileName().toString().startsWith(SCRATCH_PREFIX)).toList()) {
        if (ownerAlive(dir)) {
          continue;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
          removed.add(dir.getFileName().toString());
        } catch (IOException e) {
          // Another user's folder, or in use: left alone.
        }
      }
    } catch (IOException e) {
      // No readable base: nothing to sweep.
    }
    return removed;
  }

  private static boolean ownerAlive(Path dir) {
    try {
      long pid = Long.parseLong(Files.readString(dir.resolve(OWNER_FILE)).trim());
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | NumberFormatException e) {
      // Unmarked (another program's, or one being created this instant): never ours to remove.
      return true;
    }
  }

  /**
   * If the trail's last gateway of {@code project} opened and never closed, records the crash and
   * ends each of its accepted queries that has no end.
   */
  static void completeTrail(AuditLog audit, String project) {
    ObjectMapper json = new ObjectMapper();
    long openedSeq = -1;
    String openedAt = null;
    Set<String> open = new LinkedHashSet<>();
    try {
      for (String line : Files.readAllLines(audit.file(), StandardCharsets.UTF_8)) {
        JsonNode e = json.readTree(line);
        String event = e.path("event").asText();
        JsonNode data = e.path("data");
        switch (event) {
          case "gateway.opened" -> {
            if (project.equals(data.path("project").asText())) {
              openedSeq = e.path("seq").asLong();
              openedAt = e.path("at").asText();
              open.clear();
            }
          }
          case "gateway.closed" -> {
            if (project.equals(data.path("project").asText())) {
              openedSeq = -1;
              open.clear();
            }
          }
          case "query.accepted" -> open.add(data.path("queryId").asText());
          case "query.finished", "query.unclaimed" -> open.remove(data.path("queryId").asText());
          default -> { }
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the audit trail " + audit.file() + ": " + e.getMessage(), e);
    }
    if (openedSeq < 0) {
      return;
    }
    Map<String, Object> crash = new LinkedHashMap<>();
    crash.put("project", project);
    crash.put("openedSeq", openedSeq);
    crash.put("openedAt", openedAt);
    crash.put("unfinishedQueries", List.copyOf(open));
    audit.append("gateway.crashed", crash);
    for (String queryId : open) {
      Map<String, Object> end = new LinkedHashMap<>();
      end.put("queryId", queryId);
      end.put("project", project);
      end.put("outcome", "gateway_crashed");
      end.put("rows", 0);
      audit.append("query.finished", end);
    }
  }
}
