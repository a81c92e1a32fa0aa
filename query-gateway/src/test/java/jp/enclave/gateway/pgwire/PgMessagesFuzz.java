package jp.enclave.gateway.pgwire;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;

/**
 * Feeds bytes to the frontend message decoder as a connection would (a startup packet, then
 * typed messages until the stream ends): the decoder may only return messages, end cleanly, or
 * refuse with {@link PgProtocolException}. Used briefly by the jqwik property in CI and for
 * minutes by the benchmark ({@code --pg-fuzz-seconds}).
 */
public final class PgMessagesFuzz {
  private PgMessagesFuzz() {}

  /** Decodes one stream; returns how many messages it held. Throws only on a decoder bug. */
  public static int decodeAll(byte[] stream, boolean startupFirst) {
    ByteArrayInputStream in = new ByteArrayInputStream(stream);
    int messages = 0;
    try {
      if (startupFirst) {
        PgMessages.readStartup(in);
        messages++;
      }
      while (true) {
        PgMessages.readMessage(in);
        messages++;
      }
    } catch (EOFException | PgProtocolException expected) {
      return messages;
    } catch (IOException e) {
      throw new AssertionError("an in-memory stream cannot fail", e);
    }
  }

  /** A plausible message with random damage: right type bytes, lengths near the body's, flipped bytes. */
  static byte[] mutated(Random r) {
    char[] types = {'Q', 'P', 'B', 'D', 'E', 'C', 'S', 'H', 'X', 'p', 'F', 'd', 'c', 'f', 'Z', '\0'};
    byte[] body = new byte[r.nextInt(64)];
    r.nextBytes(body);
    if (r.nextBoolean() && body.length > 0) {
      body[body.length - 1] = 0;
    }
    int length = body.length + 4 + (r.nextInt(8) == 0 ? r.nextInt(9) - 4 : 0);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(5 + body.length);
    b.put((byte) types[r.nextInt(types.length)]).putInt(r.nextInt(50) == 0 ? r.nextInt() : length).put(body);
    return b.array();
  }

  /** Runs random and mutated streams for {@code time}; returns the number of streams decoded. */
  public static long run(Duration time, long seed) {
    Random r = new Random(seed);
    long deadline = System.nanoTime() + time.toNanos();
    long streams = 0;
    while (System.nanoTime() < deadline) {
      java.io.ByteArrayOutputStream s = new java.io.ByteArrayOutputStream();
      int n = 1 + r.nextInt(8);
      for (int i = 0; i < n; i++) {
        s.writeBytes(mutated(r));
      }
      decodeAll(s.toByteArray(), false);
      byte[] random = new byte[r.nextInt(256)];
      r.nextBytes(random);
      decodeAll(random, r.nextBoolean());
      streams += 2;
    }
    return streams;
  }
}
