package jp.enclave.gateway.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/**
 * The frontend message decoder on arbitrary input: random bytes, damaged messages and random
 * startup packets end in messages, a clean end or a {@link PgProtocolException}, never another
 * exception; well-formed Parse/Bind/Execute messages decode to what was encoded. 200 tries each in
 * CI; the benchmark fuzzes for minutes ({@link PgMessagesFuzz}).
 */
class PgMessagesPropertyTest {
  @Property(tries = 200)
  void randomBytesNeverBreakTheDecoder(@ForAll @Size(max = 300) List<Byte> bytes, @ForAll boolean startupFirst) {
    byte[] b = new byte[bytes.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = bytes.get(i);
    }
    PgMessagesFuzz.decodeAll(b, startupFirst);
  }

  @Property(tries = 200)
  void damagedMessagesNeverBreakTheDecoder(@ForAll long seed) {
    java.util.Random r = new java.util.Random(seed);
    java.io.ByteArrayOutputStream s = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < 6; i++) {
      s.writeBytes(PgMessagesFuzz.mutated(r));
    }
    PgMessagesFuzz.decodeAll(s.toByteArray(), false);
  }

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.strings().withCharRange('\u0001', '\uD7FF').ofMaxLength(40);
  }

  @Property(tries = 200)
  void wellFormedExtendedMessagesRoundTrip(@ForAll("text") String name, @ForAll("text") String sql,
      @ForAll @Size(max = 5) List<@StringLength(max = 12) String> values, @ForAll int maxRows) throws Exception {
    ByteBuffer parse = ByteBuffer.allocate(4096);
    parse.put(cstring(name)).put(cstring(sql)).putShort((short) values.size());
    values.forEach(v -> parse.putInt(25));
    ByteBuffer bind = ByteBuffer.allocate(4096);
    bind.put(cstring("")).put(cstring(name)).putShort((short) 1).putShort((short) 0).putShort((short) values.size());
    for (String v : values) {
      byte[] b = v.getBytes(StandardCharsets.UTF_8);
      bind.putInt(b.length).put(b);
    }
    bind.putShort((short) 1).putShort((short) 1);
    ByteBuffer execute = ByteBuffer.allocate(64).put(cstring("")).putInt(maxRows);
    java.io.ByteArrayOutputStream s = new java.io.ByteArrayOutputStream();
    for (var m : List.of(new Object[] {'P', parse}, new Object[] {'B', bind}, new Object[] {'E', execute})) {
      ByteBuffer body = (ByteBuffer) m[1];
      s.writeBytes(ByteBuffer.allocate(5).put((byte) (char) (Character) m[0]).putInt(body.position() + 4).array());
      s.write(body.array(), 0, body.position());
    }
    java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(s.toByteArray());
    PgMessages.Parse p = (PgMessages.Parse) PgMessages.readMessage(in);
    assertThat(p.statement()).isEqualTo(name);
    assertThat(p.sql()).isEqualTo(sql);
    assertThat(p.parameterTypes()).hasSize(values.size());
    PgMessages.Bind b = (PgMessages.Bind) PgMessages.readMessage(in);
    assertThat(b.statement()).isEqualTo(name);
    assertThat(b.values().length).isEqualTo(values.size());
    for (int i = 0; i < values.size(); i++) {
      assertThat(new String(b.values()[i], StandardCharsets.UTF_8)).isEqualTo(values.get(i));
    }
    assertThat(b.resultFormats()).containsExactly((short) 1);
    PgMessages.Execute e = (PgMessages.Execute) PgMessages.readMessage(in);
    assertThat(e.maxRows()).isEqualTo(maxRows);
  }

  private static byte[] cstring(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(b.length + 1).put(b).put((byte) 0).array();
  }
}
