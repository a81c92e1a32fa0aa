package jp.enclave.server.holderjobs;

import java.time.Duration;
import java.util.Optional;

/**
 * One kind of durable job the {@link HolderJobRunner} runs as a separate process in the data
 * holder's zone (the output checker, the holder's {@code reidentify}, its {@code delete-project}).
 * The job's rows live with its workflow (mapped by {@link HolderJobRows} where they are a job
 * table); a kind only says how to claim one with a lease, renew the lease, and run a claimed one
 * to its recorded outcome. The runner gives each kind its own lane: jobs of one kind run one after
 * another on a server, jobs of different kinds at the same time.
 *
 * @param <C> what a claim carries to the run
 */
public interface HolderJob<C> {
  /** Short name for logs. */
  String name();

  /** Why this kind cannot run on this server (nothing configured), or empty; unconfigured jobs stay queued. */
  Optional<String> unavailable();

  /** How long a claim holds without renewal; a claim older than this is taken again (its server died). */
  Duration lease();

  /** Claims the next job in its own transaction, or empty. */
  Optional<C> claim(String worker);

  /** Renews the lease while the process runs; false when the job is no longer this worker's. */
  boolean heartbeat(C claim, String worker);

  /** Runs the claimed job outside any transaction and records its outcome or failure (each its own transaction). */
  void run(C claim, String worker) throws InterruptedException;
}
