package jp.enclave.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The response-header table row by row, for each kind of path (ServerApiIT checks real responses). */
class SecurityHeadersTest {
  @ParameterizedTest
  @CsvSource({
      "/index.xhtml, PAGE", "/, PAGE", "/portal/registry.xhtml, PAGE", "/callback, PAGE", "/terminal/enrol, PAGE",
      "/error.xhtml, PAGE", "/api/exports, API", "/api/public/projects, API", "/api/exports/x/report, API",
      "/jakarta.faces.resource/css/portal.css.xhtml, STATIC", "/resources/js/portal.js, STATIC"})
  void eachPathHasItsKind(String path, SecurityHeaders.Kind kind) {
    assertThat(SecurityHeaders.kindOf(path)).isEqualTo(kind);
  }

  @Test
  void pagesCannotBeFramedCachedSniffedOrRunInlineScript() {
    Map<String, String> h = SecurityHeaders.headersFor("/portal/review.xhtml");
    assertThat(h).containsEntry("X-Frame-Options", "DENY").containsEntry("Cache-Control", "no-store")
        .containsEntry("X-Content-Type-Options", "nosniff").containsEntry("Referrer-Policy", "no-referrer")
        .containsEntry("Cross-Origin-Opener-Policy", "same-origin");
    String csp = h.get("Content-Security-Policy");
    assertThat(csp).contains("frame-ancestors 'none'", "script-src 'self'", "object-src 'none'", "base-uri 'none'")
        .doesNotContain("'unsafe-eval'");
    assertThat(csp.split(";")).filteredOn(d -> d.strip().startsWith("script-src")).singleElement().asString()
        .doesNotContain("unsafe-inline");
  }

  @Test
  void theApiIsNotCachedOrFramedAndKeepsItsOwnPolicyForTheReport() {
    Map<String, String> h = SecurityHeaders.headersFor("/api/exports/x/report");
    assertThat(h).containsEntry("Cache-Control", "no-store").containsEntry("X-Frame-Options", "DENY")
        .containsEntry("X-Content-Type-Options", "nosniff").doesNotContainKey("Content-Security-Policy");
  }

  @Test
  void staticResourcesMayBeCachedButNotSniffed() {
    Map<String, String> h = SecurityHeaders.headersFor("/jakarta.faces.resource/js/portal.js.xhtml");
    assertThat(h).containsEntry("X-Content-Type-Options", "nosniff").doesNotContainKey("Cache-Control")
        .doesNotContainKey("Content-Security-Policy");
  }
}
