package jp.enclave.gateway.core;

import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/** Query IDs: sortable by time, unguessable, short enough to quote in an export request. */
final class QueryIds {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

  private QueryIds() {}

  static String next(java.time.Instant now) {
    byte[] r = new byte[8];
    RANDOM.nextBytes(r);
    return "q-" + TIME.format(now) + "-" + HexFormat.of().formatHex(r);
  }
}
