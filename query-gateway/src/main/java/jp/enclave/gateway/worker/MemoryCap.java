package jp.enclave.gateway.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the operating system caps the execution worker's memory: one small interface, one class
 * per mechanism, the first that works here chosen at start (cgroup v2, cgroup v1, then the
 * address-space limit every Linux has). DuckDB's own {@code memory_limit} covers what its buffer
 * manager tracks; this covers everything else (string and list growth, huge constants).
 */
public interface MemoryCap {
  /** What is in force, for the start-up log and the audit trail. */
  String describe();

  /** The worker's command, wrapped so the cap applies from its first instruction. */
  List<String> wrap(List<String> command);

  /** After the worker died: whether the cap is what killed it. */
  boolean exceeded();

  /** Removes what {@link #wrap} set up (a cgroup), once the worker is gone. */
  void release();

  /** Forces a mechanism (tests of the fallback): {@code address-space}, as an environment variable or system property. */
  String FORCE_ENV = "ENCLAVE_WORKER_MEMORY_CAP";

  /** The first mechanism that can cap a process at {@code bytes} on this machine. */
  static MemoryCap detect(long bytes) {
    if ("address-space".equals(System.getProperty(FORCE_ENV, System.getenv(FORCE_ENV)))) {
      return new AddressSpaceCap(bytes);
    }
    for (java.util.function.LongFunction<Optional<MemoryCap>> f : List.<java.util.function.LongFunction<Optional<MemoryCap>>>of(
        CgroupMemoryCap::v2, CgroupMemoryCap::v1)) {
      Optional<MemoryCap> cap = f.apply(bytes);
      if (cap.isPresent()) {
        return cap.get();
      }
    }
    return new AddressSpaceCap(bytes);
  }

  /** What {@link #detect} would choose, without keeping it. */
  static String detectDescription(long bytes) {
    MemoryCap cap = detect(bytes);
    String d = cap.describe();
    cap.release();
    return d;
  }

  /** {@code sh -c 'prelude; exec "$0" "$@"' command...}: the prelude runs in the worker's own process. */
  static List<String> shell(String prelude, List<String> command) {
    List<String> out = new ArrayList<>(List.of("/bin/sh", "-c", prelude + " && exec \"$0\" \"$@\""));
    out.addAll(command);
    return out;
  }
}
