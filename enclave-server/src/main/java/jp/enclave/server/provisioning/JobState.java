package jp.enclave.server.provisioning;

/** Where a provisioning job is. SUCCEEDED and FAILED are final. */
public enum JobState { QUEUED, RUNNING, SUCCEEDED, FAILED }
