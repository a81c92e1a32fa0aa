package jp.enclave.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Request bodies as an attacker or a careless client sends them (ServerApiIT sends them to the server). */
class RequestBodiesTest {
  @ParameterizedTest
  @CsvSource({
      "exports/abc/items, 50331648", "/exports/abc/items, 50331648", "inventory, 16777216", "exports, 1048576",
      "exports/abc/votes, 1048576", "exports/abc/items/x, 1048576", "registry/organisations, 1048576",
      "sessions, 1048576", "reidentifications, 1048576"})
  void eachCallHasItsLimit(String path, long bytes) {
    assertThat(RequestBodies.limitFor(path)).isEqualTo(bytes);
  }

  @Test
  void aBodyIsReadOnlyUpToItsLimit() throws Exception {
    assertThat(RequestBodies.readAtMost(new ByteArrayInputStream(new byte[1000]), 1000)).hasSize(1000);
    assertThat(RequestBodies.readAtMost(new ByteArrayInputStream(new byte[1001]), 1000)).isNull();
    // an endless body (a chunked upload that never ends) stops at the limit, not at the heap's end
    InputStream endless = new InputStream() {
      long read;

      @Override
      public int read() {
        read++;
        return 'A';
      }

      @Override
      public int read(byte[] b, int off, int len) {
        read += len;
        java.util.Arrays.fill(b, off, off + len, (byte) 'A');
        return len;
      }
    };
    assertThat(RequestBodies.readAtMost(endless, 1 << 20)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"title\":\"a\\u0000b\"}", "{\"title\":\"\\u0000\"}", "{\"a\":[\"x\",\"\\u0000\"]}", "{\"n\\u0000\":1}",
      "{\"title\":\"\\\\\\u0000\"}", "{\"title\":\"a\u0000b\"}"})
  void aNulInAnyStringIsRefused(String json) {
    assertThat(RequestBodies.problem(json.getBytes(StandardCharsets.UTF_8))).get().asString().contains("NUL");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"title\":\"\\\\u0000 is how JSON writes NUL\"}", "{\"t\":\"\\u0001\"}", "{\"t\":\"\\u00e9\\u0100\"}",
      "{\"title\":\"日本語のタイトル\"}", "{\"title\":\"\\\"quoted\\\" \\\\ back\"}", "{}", "[]", ""})
  void otherTextPasses(String json) {
    assertThat(RequestBodies.problem(json.getBytes(StandardCharsets.UTF_8))).isEmpty();
  }

  @Test
  void bytesThatAreNotUtf8AreRefusedNotReplaced() {
    byte[][] bodies = {
        {'{', '"', 't', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'},
        {'"', (byte) 0xc0, (byte) 0xaf, '"'}, // overlong '/'
        {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'}, // a UTF-16 surrogate encoded in UTF-8
        {'"', (byte) 0xe3, (byte) 0x81, '"'}}; // truncated
    for (byte[] b : bodies) {
      assertThat(RequestBodies.problem(b)).get().asString().contains("not UTF-8");
    }
  }
}
