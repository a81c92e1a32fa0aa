package jp.enclave.checker;

/**
 * The checker's one refusal type: whatever it cannot or will not use — a request document, a
 * file, a cited query, an extract — is refused with a stable code (grep-able, e.g.
 * FORMULA_INJECTION), the thing refused, the position in it (line, column, byte offset) when
 * there is one, and a sentence a researcher understands. Never wraps a stack trace for the user.
 * Codes and sentences come from named factories ({@code InputRefusal}, {@code RequestParser},
 * {@code QueryShapeParser}, {@code ProjectExtract}).
 */
public final class Refusal extends Exception {
  private final String code;
  private final String subject;
  private final String where;

  public Refusal(String code, String subject, String where, String sentence) {
    super(sentence, null, false, false);
    this.code = code;
    this.subject = subject == null ? "" : subject;
    this.where = where == null ? "" : where;
  }

  public Refusal(String code, String sentence) {
    this(code, "", "", sentence);
  }

  public String code() { return code; }
  /** What was refused: a file name, "request.json", a query ID; "" when evident. */
  public String subject() { return subject; }
  /** Position in the subject (line, column, byte offset, SQL line:column), or "". */
  public String where() { return where; }
  public String sentence() { return getMessage(); }

  /** One line: code, subject, position and reason. */
  public String describe() {
    return code + ": " + (subject.isEmpty() ? "" : subject + (where.isEmpty() ? "" : " (" + where + ")") + ": ") + getMessage();
  }
}
