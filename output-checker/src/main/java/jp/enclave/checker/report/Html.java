package jp.enclave.checker.report;

/** HTML escaping for untrusted text: every value from a researcher's file passes through here. */
public final class Html {
  private Html() {}

  public static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&': sb.append("&amp;"); break;
        case '<': sb.append("&lt;"); break;
        case '>': sb.append("&gt;"); break;
        case '"': sb.append("&quot;"); break;
        case '\'': sb.append("&#39;"); break;
        case '`': sb.append("&#96;"); break;
        default:
          if (c < 0x20 && c != '\n' && c != '\t') {
            sb.append("&#xFFFD;");
          } else {
            sb.append(c);
          }
      }
    }
    return sb.toString();
  }
}
