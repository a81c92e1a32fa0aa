package jp.enclave.pseudonymizer.synth;

import java.util.SplittableRandom;

/**
 * The kana mistakes registration clerks make: small and large kana confused, a dakuten lost or
 * added, a long vowel written as ー or as a vowel, a character dropped.
 */
final class KanaNoise {
  private static final String SMALL = "ッャュョァィゥェォ";
  private static final String LARGE = "ツヤユヨアイウエオ";
  private static final String VOICED = "ガギグゲゴザジズゼゾダヂヅデドバビブベボ";
  private static final String UNVOICED = "カキクケコサシスセソタチツテトハヒフヘホ";

  private KanaNoise() {}

  static String typo(String kana, SplittableRandom r) {
    if (kana.length() < 2) {
      return kana;
    }
    for (int attempt = 0; attempt < 4; attempt++) {
      int i = r.nextInt(kana.length());
      char c = kana.charAt(i);
      int k;
      switch (r.nextInt(4)) {
        case 0:
          if ((k = SMALL.indexOf(c)) >= 0) {
            return replace(kana, i, LARGE.charAt(k));
          }
          if ((k = LARGE.indexOf(c)) >= 0) {
            return replace(kana, i, SMALL.charAt(k));
          }
          break;
        case 1:
          if ((k = VOICED.indexOf(c)) >= 0) {
            return replace(kana, i, UNVOICED.charAt(k));
          }
          if ((k = UNVOICED.indexOf(c)) >= 0) {
            return replace(kana, i, VOICED.charAt(k));
          }
          break;
        case 2:
          if (c == 'ウ' && i > 0) {
            return replace(kana, i, 'ー');
          }
          if (c == 'ー') {
            return replace(kana, i, 'ウ');
          }
          break;
        default:
          return kana.substring(0, i) + kana.substring(i + 1);
      }
    }
    return kana.substring(0, kana.length() - 1);
  }

  /** Some hospital systems store readings in hiragana; linkage must fold them back. */
  static String toHiragana(String katakana) {
    StringBuilder sb = new StringBuilder(katakana.length());
    for (char c : katakana.toCharArray()) {
      sb.append(c >= 'ァ' && c <= 'ヶ' ? (char) (c - 0x60) : c);
    }
    return sb.toString();
  }

  private static String replace(String s, int i, char c) {
    return s.substring(0, i) + c + s.substring(i + 1);
  }
}
