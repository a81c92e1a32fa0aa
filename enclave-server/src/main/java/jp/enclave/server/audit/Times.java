package jp.enclave.server.audit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import jp.enclave.server.access.Access;
import jp.enclave.server.access.Refusals;

/** Search bounds: an ISO instant, or a date meaning that Tokyo day (from its start, to its end). */
public final class Times {
  private Times() {}

  public static Instant start(String s, String field) {
    return parse(s, field, false);
  }

  public static Instant end(String s, String field) {
    return parse(s, field, true);
  }

  private static Instant parse(String s, String field, boolean end) {
    if (s == null || s.isBlank()) {
      return null;
    }
    String t = s.trim();
    try {
      if (t.length() == 10) {
        LocalDate d = LocalDate.parse(t);
        return end ? Access.endOf(d) : d.atStartOfDay(Access.ZONE).toInstant();
      }
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      throw Refusals.invalid("search", List.of(field + ": '" + s + "' is neither a date (YYYY-MM-DD) nor an ISO instant"));
    }
  }
}
