package jp.enclave.server.sessions;

/** A session's life: booked, open (a token was issued), then ended or revoked (final). */
public enum SessionState { BOOKED, OPEN, ENDED, REVOKED }
