package jp.enclave.gateway.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A memory cgroup of its own for the worker, below the gateway's cgroup: the kernel counts every
 * page the worker uses and kills it past the limit. Version 2 ({@code memory.max}) where the
 * unified hierarchy delegates the memory controller, else version 1 ({@code memory.limit_in_bytes}).
 */
final class CgroupMemoryCap implements MemoryCap {
  private final Path dir;
  private final String limitFile;
  private final long bytes;

  private CgroupMemoryCap(Path dir, String limitFile, long bytes) {
    this.dir = dir;
    this.limitFile = limitFile;
    this.bytes = bytes;
  }

  static Optional<MemoryCap> v2(long bytes) {
    Optional<Path> own = ownCgroup("0::", mountOf("cgroup2", null));
    if (own.isEmpty() || !read(own.get().resolve("cgroup.subtree_control")).contains("memory")) {
      return Optional.empty();
    }
    return create(own.get(), "memory.max", bytes);
  }

  static Optional<MemoryCap> v1(long bytes) {
    Optional<Path> own = ownCgroup(":memory:", mountOf("cgroup", "memory"));
    return own.flatMap(p -> create(p, "memory.limit_in_bytes", bytes));
  }

  private static Optional<MemoryCap> create(Path parent, String limitFile, long bytes) {
    Path dir = parent.resolve("enclave-gateway-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8));
    try {
      Files.createDirectory(dir);
      Files.writeString(dir.resolve(limitFile), Long.toString(bytes));
      // No swap either, where the kernel accounts it (v1): the limit is on memory, not on RAM.
      Path memsw = dir.resolve("memory.memsw.limit_in_bytes");
      if (Files.exists(memsw)) {
        try {
          Files.writeString(memsw, Long.toString(bytes));
        } catch (IOException e) {
          // Swap accounting off: the memory limit still holds.
        }
      }
      return Optional.of(new CgroupMemoryCap(dir, limitFile, bytes));
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      try {
        Files.deleteIfExists(dir);
      } catch (IOException ignored) {
        // Nothing was created.
      }
      return Optional.empty();
    }
  }

  /** Where the hierarchy is mounted, from /proc/self/mountinfo. */
  private static Optional<Path> mountOf(String type, String option) {
    for (String line : lines(Path.of("/proc/self/mountinfo"))) {
      String[] halves = line.split(" - ", 2);
      if (halves.length < 2) {
        continue;
      }
      String[] after = halves[1].split(" ");
      String[] before = halves[0].split(" ");
      if (after[0].equals(type) && (option == null || List.of(after[after.length - 1].split(",")).contains(option))) {
        return Optional.of(Path.of(before[4]));
      }
    }
    return Optional.empty();
  }

  /** This process's cgroup under the mount, from /proc/self/cgroup. */
  private static Optional<Path> ownCgroup(String marker, Optional<Path> mount) {
    if (mount.isEmpty()) {
      return Optional.empty();
    }
    for (String line : lines(Path.of("/proc/self/cgroup"))) {
      int i = line.indexOf(marker);
      if (i >= 0 && (marker.startsWith("0::") ? i == 0 : true)) {
        String rel = line.substring(i + marker.length()).replaceFirst("^/", "");
        Path p = mount.get().resolve(rel);
        return Files.isDirectory(p) && Files.isWritable(p) ? Optional.of(p) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static List<String> lines(Path p) {
    try {
      return Files.readAllLines(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of();
    }
  }

  private static String read(Path p) {
    return String.join("\n", lines(p));
  }

  @Override
  public String describe() {
    return "cgroup " + limitFile + " = " + (bytes >> 20) + " MiB (" + dir + ")";
  }

  @Override
  public List<String> wrap(List<String> command) {
    return MemoryCap.shell("echo $$ > '" + dir.resolve("cgroup.procs") + "'", command);
  }

  @Override
  public boolean exceeded() {
    // v1 counts hits of the limit and OOM kills; v2 lists OOM kills among its events.
    return positive(read(dir.resolve("memory.failcnt")).trim())
        || positive(read(dir.resolve("memory.memsw.failcnt")).trim())
        || read(dir.resolve("memory.oom_control")).lines().anyMatch(l -> l.startsWith("oom_kill ") && positive(l.substring(9)))
        || read(dir.resolve("memory.events")).lines().anyMatch(l -> l.startsWith("oom_kill ") && positive(l.substring(9)));
  }

  private static boolean positive(String n) {
    try {
      return Long.parseLong(n.trim()) > 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  @Override
  public void release() {
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // Still has a process (it is being killed); the next start sweeps nothing here, the kernel
      // keeps the empty group until it is removed by hand.
    }
  }
}
