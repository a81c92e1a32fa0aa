package jp.enclave.server.closure;

/**
 * Where a project's end stands. {@code ACTIVE} is a project with no closure row; a failure keeps
 * the step it failed at so a retry resumes there.
 */
public enum ClosureState { ACTIVE, ENDING, ARCHIVED, SHREDDING, ENDED, ARCHIVE_FAILED, SHRED_FAILED }
