package jp.enclave.checker;

import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A detail sentence of the checker (a finding's explanation, a suppression note, a provenance line)
 * kept as a key of the {@code details.properties} / {@code details_ja.properties} bundles with its
 * parameters, so every report language renders the same sentence with the same numbers. The
 * English rendering is what {@code results.json} and the text summary carry (unchanged by design:
 * the server and the ACRO comparison read them). Parameters are kept as printed text (numbers
 * formatted by the checker as it always did) or as nested details rendered in the same language.
 * DetailTextsTest checks that both bundles hold every key used in code with the same placeholders.
 */
public record Detail(String key, List<Object> args) {
  static final String BUNDLE = "jp.enclave.checker.details";

  public Detail {
    List<Object> copy = new ArrayList<>(args.size());
    for (Object a : args) {
      copy.add(a instanceof Detail ? a : String.valueOf(a));
    }
    args = List.copyOf(copy);
  }

  public static Detail of(String key, Object... args) {
    return new Detail(key, List.of(args));
  }

  /**
   * A refusal as a detail: its key is {@code refusal.<CODE>}. English keeps the refusal's own line
   * (code, subject, position, sentence with its numbers); other languages say what was refused and
   * where in their words, per code.
   */
  public static Detail refusal(Refusal r) {
    Object place = "";
    if (!r.subject().isEmpty()) {
      Object where = where(r.where());
      place = r.where().isEmpty() ? of("refusal.place", r.subject()) : of("refusal.placeAt", r.subject(), where);
    }
    return of("refusal." + r.code(), place, r.describe(), r.code());
  }

  // Positions are written by the refusal factories as "byte offset B, line L" or "line L, column C".
  private static final Pattern WHERE = Pattern.compile("(?:byte offset (\\d+))?(?:, )?(?:line (\\d+))?(?:, column (.+))?");

  /** A refusal's position in the report's words; a position of another shape is shown as written. */
  private static Object where(String where) {
    Matcher m = WHERE.matcher(where);
    if (!m.matches()) {
      return where;
    }
    List<Object> parts = new ArrayList<>();
    if (m.group(1) != null) {
      parts.add(of("where.byte", m.group(1)));
    }
    if (m.group(2) != null) {
      parts.add(of("where.line", m.group(2)));
    }
    if (m.group(3) != null) {
      parts.add(of("where.column", m.group(3)));
    }
    return switch (parts.size()) {
      case 1 -> parts.get(0);
      case 2 -> of("where.two", parts.get(0), parts.get(1));
      default -> where;
    };
  }

  public static ResourceBundle bundle(Locale locale) {
    return ResourceBundle.getBundle(BUNDLE, locale == null ? Locale.ENGLISH : locale, Detail.class.getClassLoader(),
        ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
  }

  /** The sentence in the language; a key missing from the bundle is an error, never a silent English fallback. */
  public String render(Locale locale) {
    String pattern;
    try {
      pattern = bundle(locale).getString(key);
    } catch (MissingResourceException e) {
      throw new IllegalStateException("the checker has no " + locale.getLanguage() + " sentence for " + key, e);
    }
    Object[] values = new Object[args.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = args.get(i) instanceof Detail d ? d.render(locale) : args.get(i);
    }
    return new MessageFormat(pattern, locale).format(values);
  }

  /** The English sentence (results.json, the text summary, logs). */
  public String english() {
    return render(Locale.ENGLISH);
  }

  @Override
  public String toString() {
    return english();
  }
}
