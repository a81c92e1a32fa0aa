package jp.enclave.pseudonymizer.store;

/**
 * Removes the patient's own names (kanji and kana, full, family with an honorific, given) and
 * every phone-number shape from clinical notes. Names of third parties are not known to the
 * pipeline and may remain: that residual risk is why free text is labelled for onsite use only.
 */
final class NoteScrubber {
  static final String NAME = "［氏名］";
  static final String PHONE = "［電話］";

  private NoteScrubber() {}

  /** SQL scrubbing {@code text} using the patient row {@code p} (name_kanji, name_kana "姓 名"). */
  static String sql(String text, String p) {
    String family = "split_part(" + p + ".name_kanji, ' ', 1)";
    String given = "split_part(" + p + ".name_kanji, ' ', 2)";
    String familyKana = "split_part(" + p + ".name_kana, ' ', 1)";
    String givenKana = "split_part(" + p + ".name_kana, ' ', 2)";
    String t = text;
    t = "replace(" + t + ", replace(" + p + ".name_kanji, ' ', ''), '" + NAME + "')";
    t = "replace(" + t + ", " + p + ".name_kanji, '" + NAME + "')";
    t = "replace(" + t + ", replace(" + p + ".name_kana, ' ', ''), '" + NAME + "')";
    t = "replace(" + t + ", " + p + ".name_kana, '" + NAME + "')";
    for (String honorific : new String[] {"様", "さん", "氏", "殿", "くん", "ちゃん"}) {
      t = "replace(" + t + ", " + family + " || '" + honorific + "', '" + NAME + honorific + "')";
      t = "replace(" + t + ", " + familyKana + " || '" + honorific + "', '" + NAME + honorific + "')";
    }
    // A one-character given name is too likely to be an ordinary word to replace on its own.
    t = "CASE WHEN length(" + given + ") >= 2 THEN replace(" + t + ", " + given + ", '" + NAME + "') ELSE " + t + " END";
    t = "CASE WHEN length(" + givenKana + ") >= 2 THEN replace(" + t + ", " + givenKana + ", '" + NAME + "') ELSE " + t
        + " END";
    t = "regexp_replace(" + t + ", '0[0-9]{1,4}[-－ー‐ ]?[0-9]{1,4}[-－ー‐ ]?[0-9]{3,4}', '" + PHONE + "', 'g')";
    return t;
  }
}
