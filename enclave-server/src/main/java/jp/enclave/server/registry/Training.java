package jp.enclave.server.registry;

import java.time.LocalDate;

/** One completed training course and when it expires (valid through the expiry day). */
public record Training(String course, LocalDate completedOn, LocalDate expiresOn) {}
