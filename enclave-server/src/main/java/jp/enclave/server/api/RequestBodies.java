package jp.enclave.server.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import jp.enclave.server.access.Refusal;
import jp.enclave.server.access.Refusals;

/**
 * Every API request body before JSON-B sees it. Tried from outside: a 400 MB body ran the server
 * out of heap (OutOfMemoryError), a {@code \u0000} in any text field (an organisation's name, an
 * export's title) reached PostgreSQL and came back as 500, and bytes that are not UTF-8 were
 * stored silently replaced. Here a body is read only up to its call's limit (the table below),
 * must be UTF-8 and may not carry U+0000; a refusal is a problem with a stable code, audited with
 * the caller when the caller is known.
 */
@Provider
public class RequestBodies implements ReaderInterceptor, ContainerRequestFilter {
  /** The limit of a call, by its path (first match); export items carry a file of up to 16 MiB and a figure's table. */
  record Limit(Pattern path, long bytes) {}

  static final long DEFAULT_LIMIT = 1L << 20;
  static final List<Limit> LIMITS = List.of(
      // two files of 16 MiB as base64 (4/3) plus the fields; text content with escapes must use base64 beyond this
      new Limit(Pattern.compile("exports/[^/]+/items"), 48L << 20),
      // a holder's inventory report (data assets and dictionary) produced elsewhere
      new Limit(Pattern.compile("inventory"), 16L << 20));

  @Inject
  CurrentCaller caller;
  @Inject
  RefusalAudit refusals;
  @Context
  UriInfo uri;

  static long limitFor(String path) {
    String p = path.replaceAll("^/+", "");
    return LIMITS.stream().filter(l -> l.path().matcher(p).matches()).map(Limit::bytes).findFirst()
        .orElse(DEFAULT_LIMIT);
  }

  /** A declared length above the limit is refused before anything is read. */
  @Override
  public void filter(ContainerRequestContext request) {
    long limit = limitFor(request.getUriInfo().getPath());
    if (request.getLength() > limit) {
      throw refused(request.getMethod(), request.getUriInfo().getPath(), Refusals.tooLarge(limit));
    }
  }

  @Override
  public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
    String path = uri == null ? "" : uri.getPath();
    long limit = limitFor(path);
    byte[] body = readAtMost(context.getInputStream(), limit);
    if (body == null) {
      throw refused("", path, Refusals.tooLarge(limit));
    }
    Optional<String> problem = problem(body);
    if (problem.isPresent()) {
      throw refused("", path, Refusals.malformed(problem.get()));
    }
    context.setInputStream(new ByteArrayInputStream(body));
    return context.proceed();
  }

  /** The body, or null when it is longer than {@code limit} (chunked bodies have no declared length). */
  static byte[] readAtMost(InputStream in, long limit) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    for (int n; (n = in.read(buf)) > 0; ) {
      total += n;
      if (total > limit) {
        return null;
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  /** Why a body cannot be taken as JSON text to store: not UTF-8, or a string holding U+0000. */
  static Optional<String> problem(byte[] body) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      return Optional.of("the body is not UTF-8");
    }
    // A raw control character in a string is invalid JSON (the parser refuses it); the escape is
    // what reaches the database, so look for \u0000 where a backslash starts an escape.
    boolean inString = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0) {
        return Optional.of("a NUL character (U+0000) at character " + i);
      }
      if (c == '"') {
        inString = !inString;
      } else if (c == '\\' && inString && i + 1 < text.length()) {
        if (text.charAt(i + 1) == 'u' && i + 6 <= text.length() && text.regionMatches(true, i + 2, "0000", 0, 4)) {
          return Optional.of("a NUL character (U+0000, written \\u0000) at character " + i);
        }
        i++; // the escaped character, so \" does not end the string
      }
    }
    return Optional.empty();
  }

  private Refusal refused(String method, String path, Refusal r) {
    String subject = caller.known().map(c -> c.subject()).orElse(null);
    if (subject != null) {
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("path", path.length() > 200 ? path.substring(0, 200) : path);
      if (!method.isEmpty()) {
        detail.put("method", method);
      }
      detail.put("code", r.code());
      try {
        refusals.record(subject, "request.refused", "api", detail);
      } catch (RuntimeException e) {
        java.util.logging.Logger.getLogger(RequestBodies.class.getName()).log(java.util.logging.Level.WARNING,
            "could not audit a refused request body", e);
      }
    }
    return r;
  }
}
