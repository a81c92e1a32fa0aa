package jp.enclave.server.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The response headers every page and API answer carries, as one table by kind of path. Tried
 * from outside, the portal answered without any: it could be framed (clickjacking of the
 * project-end and vote buttons), its pages with personal data were cacheable, and nothing limited
 * where scripts came from. Pages carry a Content-Security-Policy that allows scripts from this
 * origin only (no inline script: a confirm dialog is {@code resources/js/portal.js}); styles may
 * be inline because the checker's report is shown in a sandboxed {@code srcdoc} frame, which
 * inherits the page's policy. The API sets its own policy where it serves HTML (the report).
 */
@WebFilter(urlPatterns = "/*")
public class SecurityHeaders extends HttpFilter {
  private static final long serialVersionUID = 1L;

  /** What a path is, for the headers it gets. */
  enum Kind { PAGE, API, STATIC }

  static final String PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  /** The table: header, value, and the kinds of path it is set on. */
  record Row(String header, String value, List<Kind> kinds) {}

  static final List<Row> TABLE = List.of(
      new Row("X-Content-Type-Options", "nosniff", List.of(Kind.PAGE, Kind.API, Kind.STATIC)),
      new Row("X-Frame-Options", "DENY", List.of(Kind.PAGE, Kind.API)),
      new Row("Referrer-Policy", "no-referrer", List.of(Kind.PAGE, Kind.API, Kind.STATIC)),
      new Row("Content-Security-Policy", PAGE_POLICY, List.of(Kind.PAGE)),
      new Row("Cache-Control", "no-store", List.of(Kind.PAGE, Kind.API)),
      new Row("Cross-Origin-Opener-Policy", "same-origin", List.of(Kind.PAGE)));

  /** The kind of a path inside the application (without the context path). */
  static Kind kindOf(String path) {
    if (path.startsWith("/api/")) {
      return Kind.API;
    }
    if (path.startsWith("/jakarta.faces.resource/") || path.startsWith("/resources/")) {
      return Kind.STATIC;
    }
    return Kind.PAGE;
  }

  /** The headers a path gets, in table order. */
  static Map<String, String> headersFor(String path) {
    Kind k = kindOf(path);
    Map<String, String> h = new LinkedHashMap<>();
    for (Row r : TABLE) {
      if (r.kinds().contains(k)) {
        h.put(r.header(), r.value());
      }
    }
    return h;
  }

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    // Set before the chain runs, so they are on every answer, errors and redirects included; a
    // resource that needs another value (the report's own policy) sets it after and wins.
    headersFor(path).forEach(response::setHeader);
    chain.doFilter(request, response);
  }
}
