package jp.enclave.server.provisioning;

import java.time.Instant;

/**
 * One run of a project's provisioning for one data scope (identified by its SHA-256). {@code
 * result} is the pipeline's summary (rows per table, whether it was already provisioned) as JSON;
 * {@code reason} why it failed. No data value is ever in either.
 */
public record ProvisioningJob(String id, String projectId, String scopeSha256, JobState state, String phase,
    int percent, String detail, String reason, String result, int attempt, String requestedBy, Instant requestedAt,
    Instant startedAt, Instant finishedAt, Instant updatedAt, long version) {

  public boolean active() {
    return state == JobState.QUEUED || state == JobState.RUNNING;
  }

  ProvisioningJob moved(JobState to, Instant at) {
    boolean starting = to == JobState.RUNNING && state == JobState.QUEUED;
    boolean ending = to == JobState.SUCCEEDED || to == JobState.FAILED;
    return new ProvisioningJob(id, projectId, scopeSha256, to, phase, percent, detail, reason, result,
        starting ? attempt + 1 : attempt, requestedBy, requestedAt, starting ? at : startedAt, ending ? at : finishedAt,
        at, version);
  }

  ProvisioningJob withProgress(String phase, int percent, String detail) {
    return new ProvisioningJob(id, projectId, scopeSha256, state, phase, Math.max(0, Math.min(100, percent)), detail,
        reason, result, attempt, requestedBy, requestedAt, startedAt, finishedAt, updatedAt, version);
  }

  ProvisioningJob withOutcome(String reason, String result) {
    return new ProvisioningJob(id, projectId, scopeSha256, state, phase, percent, detail, reason, result, attempt,
        requestedBy, requestedAt, startedAt, finishedAt, updatedAt, version);
  }
}
