package jp.enclave.checker.input;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** An exported SVG must be a picture: no scripts, event handlers, javascript: links or embedded HTML. */
public final class SvgGuard {
  private static final Pattern EVENT_HANDLER = Pattern.compile("\\son[a-z]+\\s*=");

  private SvgGuard() {}

  /** The refusal sentence when the SVG holds active content, else empty. */
  public static Optional<String> activeContent(String svg, String name) {
    String lower = svg.toLowerCase(Locale.ROOT);
    if (lower.contains("<script") || lower.contains("javascript:") || EVENT_HANDLER.matcher(lower).find()
        || lower.contains("<foreignobject")) {
      return Optional.of("SVG_ACTIVE_CONTENT: " + name
          + ": the SVG holds scripts, event handlers or embedded HTML; export a PNG or a plain SVG");
    }
    return Optional.empty();
  }
}
