package jp.enclave.checker.input;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import jp.enclave.checker.Detail;

/** An exported SVG must be a picture: no scripts, event handlers, javascript: links or embedded HTML. */
public final class SvgGuard {
  private static final Pattern EVENT_HANDLER = Pattern.compile("\\son[a-z]+\\s*=");

  private SvgGuard() {}

  /** The refusal sentence when the SVG holds active content, else empty. */
  public static Optional<Detail> activeContent(String svg, String name) {
    String lower = svg.toLowerCase(Locale.ROOT);
    if (lower.contains("<script") || lower.contains("javascript:") || EVENT_HANDLER.matcher(lower).find()
        || lower.contains("<foreignobject")) {
      return Optional.of(Detail.of("svg.activeContent", name));
    }
    return Optional.empty();
  }
}
