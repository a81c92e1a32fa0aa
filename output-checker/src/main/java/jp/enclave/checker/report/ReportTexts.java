package jp.enclave.checker.report;

import io.pebbletemplates.pebble.extension.AbstractExtension;
import io.pebbletemplates.pebble.extension.Function;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The report's words in English and Japanese ({@code report.properties}, {@code report_ja.properties}):
 * every label, verdict, item type, rule name and rule explanation. Bundles are looked up without
 * the JVM's default locale as a fallback, so an English report on a Japanese machine stays English.
 * The template calls {@code t("key", arg…)}; a key missing from a bundle is an error (ReportTextsTest
 * checks both bundles hold the same keys and a name and an explanation for every rule).
 */
public final class ReportTexts {
  /** The report's languages; the first one's file is {@code report.html}, the others {@code report.<lang>.html}. */
  public static final List<Locale> LANGUAGES = List.of(Locale.ENGLISH, Locale.JAPANESE);

  static final String BUNDLE = "jp.enclave.checker.report.report";

  private ReportTexts() {}

  public static ResourceBundle bundle(Locale locale) {
    return ResourceBundle.getBundle(BUNDLE, locale == null ? Locale.ENGLISH : locale, ReportTexts.class.getClassLoader(),
        ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
  }

  /** The report file's name for a language: report.html for English, report.ja.html for Japanese. */
  public static String fileName(Locale locale) {
    return locale.getLanguage().equals(LANGUAGES.get(0).getLanguage()) ? "report.html"
        : "report." + locale.getLanguage() + ".html";
  }

  public static String text(Locale locale, String key, Object... args) {
    ResourceBundle b = bundle(locale);
    String pattern;
    try {
      pattern = b.getString(key);
    } catch (MissingResourceException e) {
      throw new IllegalStateException("the report has no " + locale.getLanguage() + " text for " + key, e);
    }
    return args.length == 0 ? pattern : new MessageFormat(pattern, locale).format(args);
  }

  /** A rule's name in the language; a rule without words (none today) shows its code rather than failing the report. */
  public static String rule(Locale locale, String rule) {
    return bundle(locale).containsKey("rule." + rule) ? text(locale, "rule." + rule) : rule;
  }

  public static String explain(Locale locale, String rule) {
    return bundle(locale).containsKey("explain." + rule) ? text(locale, "explain." + rule) : "";
  }

  static final class Extension extends AbstractExtension {
    @Override
    public Map<String, Function> getFunctions() {
      return Map.of("t", new T(), "ruleName", new RuleWords(false), "explain", new RuleWords(true));
    }
  }

  /** {@code t("key", arg0, arg1 …)}: positional arguments, formatted for the page's locale. */
  private static final class T implements Function {
    @Override
    public List<String> getArgumentNames() {
      return null;
    }

    @Override
    public Object execute(Map<String, Object> args, PebbleTemplate self, EvaluationContext context, int line) {
      List<Object> rest = new ArrayList<>();
      for (int i = 1; args.containsKey(String.valueOf(i)); i++) {
        Object v = args.get(String.valueOf(i));
        rest.add(v instanceof Number n && !(v instanceof Double || v instanceof Float) ? n.toString() : v);
      }
      return text(context.getLocale(), String.valueOf(args.get("0")), rest.toArray());
    }
  }

  private record RuleWords(boolean explanation) implements Function {
    @Override
    public List<String> getArgumentNames() {
      return null;
    }

    @Override
    public Object execute(Map<String, Object> args, PebbleTemplate self, EvaluationContext context, int line) {
      String r = String.valueOf(args.get("0"));
      return explanation ? explain(context.getLocale(), r) : rule(context.getLocale(), r);
    }
  }
}
