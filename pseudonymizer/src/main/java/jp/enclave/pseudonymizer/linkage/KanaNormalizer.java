package jp.enclave.pseudonymizer.linkage;

import java.text.Normalizer;

/**
 * Folds the spellings of one reading onto one key, as 名寄せ practice does: full-width katakana,
 * small kana as large, no dakuten or handakuten, long vowels (ー, or ウ after an o-sound) dropped,
 * no spaces. Typos that survive the fold are left to the similarity comparison.
 */
public final class KanaNormalizer {
  private static final String SMALL = "ァィゥェォッャュョヮヵヶ";
  private static final String LARGE = "アイウエオツヤユヨワカケ";
  private static final String O_ROW = "オコソトノホモヨロヲゴゾドボポョ";

  private KanaNormalizer() {}

  public static String fold(String s) {
    if (s == null) {
      return "";
    }
    String nfkc = Normalizer.normalize(s, Normalizer.Form.NFKC);
    StringBuilder out = new StringBuilder(nfkc.length());
    for (char c : nfkc.toCharArray()) {
      if (c >= 'ぁ' && c <= 'ゖ') {
        c = (char) (c + 0x60);
      }
      if (Character.isWhitespace(c) || c == '・' || c == 'ー') {
        continue;
      }
      int k = SMALL.indexOf(c);
      if (k >= 0) {
        c = LARGE.charAt(k);
      }
      c = stripVoicing(c);
      if (c == 'ウ' && out.length() > 0 && O_ROW.indexOf(out.charAt(out.length() - 1)) >= 0) {
        continue;
      }
      out.append(c);
    }
    return out.toString();
  }

  /** ガ→カ, パ→ハ: NFD splits the voicing mark off, which we then drop. */
  private static char stripVoicing(char c) {
    if (c < 'ァ' || c > 'ヶ') {
      return c;
    }
    String d = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFD);
    return d.charAt(0);
  }
}
