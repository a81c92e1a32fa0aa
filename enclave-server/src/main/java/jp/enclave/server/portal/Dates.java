package jp.enclave.server.portal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.chrono.JapaneseChronology;
import java.time.chrono.JapaneseDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Dates as people here expect them: the Gregorian date with the Japanese era beside it
 * (2026年12月3日（令和8年12月3日）, 2019年5月1日（令和元年5月1日）, or 3 Dec 2026 (Reiwa 8) in
 * English); times in Tokyo.
 */
@Named
@ApplicationScoped
public class Dates {
  private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
  private static final DateTimeFormatter JA = DateTimeFormatter.ofPattern("uuuu年M月d日", Locale.JAPANESE);
  private static final DateTimeFormatter JA_ERA = DateTimeFormatter.ofPattern("GGGGy年M月d日", Locale.JAPANESE)
      .withChronology(JapaneseChronology.INSTANCE);
  private static final DateTimeFormatter EN = DateTimeFormatter.ofPattern("d MMM uuuu", Locale.ENGLISH);
  private static final DateTimeFormatter EN_ERA = DateTimeFormatter.ofPattern("GGGG y", Locale.ENGLISH)
      .withChronology(JapaneseChronology.INSTANCE);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

  public String both(LocalDate d, String language) {
    if (d == null) {
      return "";
    }
    JapaneseDate era = JapaneseDate.from(d);
    if (!"ja".equals(language)) {
      return EN.format(d) + " (" + EN_ERA.format(era) + ")";
    }
    String wareki = JA_ERA.format(era);
    if (era.get(java.time.temporal.ChronoField.YEAR_OF_ERA) == 1) {
      // The first year of an era is written 元年 (令和元年), not 1年.
      wareki = wareki.replaceFirst("1年", "元年");
    }
    return JA.format(d) + "（" + wareki + "）";
  }

  public String today(String language) {
    return both(LocalDate.now(TOKYO), language);
  }

  /** A moment in Tokyo time, ISO-like (what auditors compare across logs). */
  public String time(Instant t) {
    return t == null ? "" : TIME.format(t.atZone(TOKYO)) + " JST";
  }
}
