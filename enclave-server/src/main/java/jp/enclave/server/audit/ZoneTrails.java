package jp.enclave.server.audit;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where the other zones write their JSONL trails, as configuration ({@code enclave.audit.zone-trails}):
 * paths or globs, relative to the enclave home unless absolute. The defaults are where the
 * enclave writes them: the data holder's {@code holder/audit.jsonl}, the demo gateway's
 * {@code gateway/audit.jsonl}, the server-managed gateways under {@code gateway/audit/}, and {@code audit/}.
 * A zone is named by its path relative to the home, without {@code /audit.jsonl} or {@code .jsonl}.
 */
public final class ZoneTrails {
  public static final String DEFAULT = "holder/holder/audit.jsonl,holder/audit.jsonl,gateway/audit.jsonl,gateway/audit/*.jsonl,gateways/*/audit.jsonl,audit/*.jsonl";

  /** One zone's trail file. */
  public record Zone(String name, Path file) {}

  private final Path home;
  private final List<String> patterns;

  public ZoneTrails(Path home, String patterns) {
    this.home = home.toAbsolutePath().normalize();
    this.patterns = Stream.of(patterns.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  public Path home() {
    return home;
  }

  /** The zones whose files exist now, by name. */
  public List<Zone> zones() {
    TreeMap<String, Zone> out = new TreeMap<>();
    for (String p : patterns) {
      Path pattern = home.resolve(p).normalize();
      if (!p.contains("*") && !p.contains("?")) {
        if (Files.isRegularFile(pattern)) {
          out.putIfAbsent(name(pattern), new Zone(name(pattern), pattern));
        }
        continue;
      }
      Path root = fixedPrefix(pattern);
      if (!Files.isDirectory(root)) {
        continue;
      }
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
      try (Stream<Path> files = Files.walk(root, pattern.getNameCount() - root.getNameCount())) {
        files.filter(Files::isRegularFile).filter(m::matches)
            .forEach(f -> out.putIfAbsent(name(f), new Zone(name(f), f)));
      } catch (IOException e) {
        // An unreadable folder has no zones to offer; verification reports missing witnessed zones.
      }
    }
    return new ArrayList<>(out.values());
  }

  /** The file a zone's name stands for (a witnessed zone whose file is gone is still named). */
  public String name(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    String rel = abs.startsWith(home) ? home.relativize(abs).toString() : abs.toString();
    if (rel.endsWith("/audit.jsonl")) {
      return rel.substring(0, rel.length() - "/audit.jsonl".length());
    }
    return rel.endsWith(".jsonl") ? rel.substring(0, rel.length() - ".jsonl".length()) : rel;
  }

  private static Path fixedPrefix(Path pattern) {
    Path root = pattern.getRoot();
    for (Path part : pattern) {
      if (part.toString().contains("*") || part.toString().contains("?")) {
        break;
      }
      root = root == null ? part : root.resolve(part);
    }
    return root;
  }
}
