package jp.enclave.server.airlock;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What a file name in an export request may be, as one table of rules. A name ends up as
 * {@code <item>/<name>} in the release zip (unpacked by the researcher on any system) and in the
 * checker's work folder, so it must name one plain file on every system: no folder, no traversal,
 * no name Windows maps to a device or to another name (a trailing dot is dropped there).
 */
final class FileNames {
  static final int MAX_LENGTH = 100;
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0," + (MAX_LENGTH - 1) + "}");
  /** Windows opens these as devices whatever the extension ({@code nul.csv} is NUL). */
  private static final Pattern DEVICE = Pattern.compile("(con|prn|aux|nul|com[0-9]|lpt[0-9])(\\..*)?");

  /** A rule: the names it refuses and why. */
  record Rule(String why, Predicate<String> refuses) {}

  static final List<Rule> RULES = List.of(
      new Rule("letters, digits, '.', '_' and '-' only, starting with a letter or digit, at most " + MAX_LENGTH
          + " characters (no folders)", n -> !PLAIN.matcher(n).matches()),
      new Rule("no '..'", n -> n.contains("..")),
      new Rule("not ending with '.' (Windows drops it, so two names become one file)", n -> n.endsWith(".")),
      new Rule("not a Windows device name (CON, PRN, AUX, NUL, COM0-9, LPT0-9)",
          n -> DEVICE.matcher(n.toLowerCase(Locale.ROOT)).matches()));

  private FileNames() {}

  /** Why {@code name} is refused (the first rule it breaks), or empty when it is a plain file name. */
  static Optional<String> problem(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of("a file name is required");
    }
    return RULES.stream().filter(r -> r.refuses().test(name)).map(Rule::why).findFirst();
  }

  /** Two names that would be one file where names ignore case (Windows, macOS). */
  static boolean sameFile(String a, String b) {
    return a != null && b != null && a.equalsIgnoreCase(b);
  }
}
