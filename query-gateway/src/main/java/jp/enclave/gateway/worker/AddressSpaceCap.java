package jp.enclave.gateway.worker;

import java.util.List;

/**
 * The fallback cap: {@code ulimit -v} (RLIMIT_AS) on the worker. Every Linux has it; it limits
 * address space rather than memory in use, so it is set with room for the JVM's reservations, and
 * an allocation past it fails inside the worker (DuckDB reports out of memory, or the worker dies).
 */
final class AddressSpaceCap implements MemoryCap {
  /** Address space the worker's JVM reserves beyond what it uses (heap, code cache, class space). */
  private static final long JVM_RESERVATIONS = 1L << 30;

  private final long bytes;

  AddressSpaceCap(long memoryBytes) {
    this.bytes = memoryBytes + JVM_RESERVATIONS;
  }

  @Override
  public String describe() {
    return "address-space limit (ulimit -v) of " + (bytes >> 20) + " MiB";
  }

  @Override
  public List<String> wrap(List<String> command) {
    return MemoryCap.shell("ulimit -v " + (bytes >> 10), command);
  }

  @Override
  public boolean exceeded() {
    return false;
  }

  @Override
  public void release() {}
}
