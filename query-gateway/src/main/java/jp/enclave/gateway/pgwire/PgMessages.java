package jp.enclave.gateway.pgwire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The frontend half of PostgreSQL protocol 3.0: reads one length-prefixed message at a time from
 * a stream and decodes it into a record. Every length is checked before anything is allocated
 * (at most {@link #MAX_MESSAGE} bytes), every field against the bytes left, strings as strict
 * UTF-8; any violation is a {@link PgProtocolException} (SQLSTATE 08P01, or 54000 for size), never
 * another exception. Pure: no state beyond the stream, so it is property-tested on random bytes.
 */
public final class PgMessages {
  /** The largest message accepted, startup included: queries are far smaller (the core's limit). */
  public static final int MAX_MESSAGE = 1 << 20;
  static final int PROTOCOL_3_0 = 196608;
  static final int SSL_REQUEST = 80877103;
  static final int GSSENC_REQUEST = 80877104;
  static final int CANCEL_REQUEST = 80877102;
  private static final int MAX_PARAMETERS = 65535;

  /** Any message a client may send. */
  public sealed interface Frontend permits Startup, SslRequest, GssEncRequest, CancelRequest, Query, Parse, Bind,
      Describe, Execute, Close, Sync, Flush, Terminate, PasswordData, Unsupported {}

  /** {@code version} is major << 16 | minor; {@code parameters} in the order sent. */
  public record Startup(int version, Map<String, String> parameters) implements Frontend {}

  public record SslRequest() implements Frontend {}

  public record GssEncRequest() implements Frontend {}

  public record CancelRequest(int processId, int secretKey) implements Frontend {}

  public record Query(String sql) implements Frontend {}

  public record Parse(String statement, String sql, int[] parameterTypes) implements Frontend {}

  /** Values are null for SQL NULL; formats follow the protocol's 0/1/n rule. */
  public record Bind(String portal, String statement, short[] parameterFormats, byte[][] values,
      short[] resultFormats) implements Frontend {}

  public record Describe(char kind, String name) implements Frontend {}

  public record Execute(String portal, int maxRows) implements Frontend {}

  public record Close(char kind, String name) implements Frontend {}

  public record Sync() implements Frontend {}

  public record Flush() implements Frontend {}

  public record Terminate() implements Frontend {}

  /** 'p': a password, SASLInitialResponse or SASLResponse; which one depends on the auth step. */
  public record PasswordData(byte[] payload) implements Frontend {}

  /** A known message type the gateway does not serve (COPY data, function call). */
  public record Unsupported(char type) implements Frontend {}

  private PgMessages() {}

  /** Reads the first message of a connection (no type byte): startup, SSL/GSS request or cancel. */
  public static Frontend readStartup(InputStream in) throws IOException {
    int length = readInt(in, true);
    if (length < 8 || length > MAX_MESSAGE) {
      throw new PgProtocolException("08P01", "invalid startup packet length " + length);
    }
    return decodeStartup(readFully(in, length - 4));
  }

  /** Reads one typed message; {@link EOFException} when the client closed between messages. */
  public static Frontend readMessage(InputStream in) throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException();
    }
    int length = readInt(in, false);
    if (length < 4) {
      throw new PgProtocolException("08P01", "invalid message length " + length + " for message type '"
          + printable(type) + "'");
    }
    if (length > MAX_MESSAGE) {
      throw new PgProtocolException("54000", "message of type '" + printable(type) + "' is " + length
          + " bytes, over the gateway's limit of " + MAX_MESSAGE);
    }
    return decode((char) type, readFully(in, length - 4));
  }

  static Frontend decodeStartup(byte[] body) {
    Payload p = new Payload(body, "startup packet");
    int code = p.int32();
    switch (code) {
      case SSL_REQUEST:
        p.end();
        return new SslRequest();
      case GSSENC_REQUEST:
        p.end();
        return new GssEncRequest();
      case CANCEL_REQUEST:
        CancelRequest c = new CancelRequest(p.int32(), p.int32());
        p.end();
        return c;
      default:
        break;
    }
    Map<String, String> params = new LinkedHashMap<>();
    while (true) {
      String name = p.cstring();
      if (name.isEmpty()) {
        break;
      }
      if (params.size() >= 64) {
        throw new PgProtocolException("08P01", "too many startup parameters");
      }
      params.put(name, p.cstring());
    }
    p.end();
    return new Startup(code, params);
  }

  static Frontend decode(char type, byte[] body) {
    Payload p = new Payload(body, "message '" + printable(type) + "'");
    Frontend m = switch (type) {
      case 'Q' -> new Query(p.cstring());
      case 'P' -> {
        String name = p.cstring();
        String sql = p.cstring();
        int n = p.count();
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
          types[i] = p.int32();
        }
        yield new Parse(name, sql, types);
      }
      case 'B' -> {
        String portal = p.cstring();
        String statement = p.cstring();
        short[] formats = p.formats();
        int n = p.count();
        byte[][] values = new byte[n][];
        for (int i = 0; i < n; i++) {
          int len = p.int32();
          if (len < -1) {
            throw new PgProtocolException("08P01", "invalid parameter length " + len + " in Bind");
          }
          values[i] = len == -1 ? null : p.bytes(len);
        }
        if (formats.length > 1 && formats.length != n) {
          throw new PgProtocolException("08P01", "Bind has " + formats.length + " parameter formats for " + n
              + " parameters");
        }
        yield new Bind(portal, statement, formats, values, p.formats());
      }
      case 'D' -> new Describe(p.kind(), p.cstring());
      case 'E' -> new Execute(p.cstring(), p.int32());
      case 'C' -> new Close(p.kind(), p.cstring());
      case 'S' -> new Sync();
      case 'H' -> new Flush();
      case 'X' -> new Terminate();
      case 'p' -> new PasswordData(p.rest());
      case 'F', 'd', 'c', 'f' -> {
        p.rest();
        yield new Unsupported(type);
      }
      default -> throw new PgProtocolException("08P01", "invalid frontend message type '" + printable(type) + "'");
    };
    p.end();
    return m;
  }

  private static String printable(int type) {
    return type >= 0x21 && type < 0x7f ? String.valueOf((char) type) : String.format("0x%02x", type);
  }

  private static int readInt(InputStream in, boolean first) throws IOException {
    int a = in.read();
    if (a < 0 && first) {
      throw new EOFException();
    }
    int b = in.read();
    int c = in.read();
    int d = in.read();
    if ((a | b | c | d) < 0) {
      throw new PgProtocolException("08P01", "the connection ended inside a message length");
    }
    return (a << 24) | (b << 16) | (c << 8) | d;
  }

  private static byte[] readFully(InputStream in, int n) throws IOException {
    byte[] out = new byte[n];
    int off = 0;
    while (off < n) {
      int r = in.read(out, off, n - off);
      if (r < 0) {
        throw new PgProtocolException("08P01", "the connection ended after " + off + " of " + n
            + " bytes of a message");
      }
      off += r;
    }
    return out;
  }

  /** A bounds-checked cursor over one message body. */
  private static final class Payload {
    private final byte[] b;
    private final String what;
    private int pos;

    Payload(byte[] b, String what) {
      this.b = b;
      this.what = what;
    }

    private PgProtocolException truncated() {
      return new PgProtocolException("08P01", what + " is truncated or its fields overrun its length");
    }

    int int32() {
      if (b.length - pos < 4) {
        throw truncated();
      }
      int v = ((b[pos] & 0xff) << 24) | ((b[pos + 1] & 0xff) << 16) | ((b[pos + 2] & 0xff) << 8) | (b[pos + 3] & 0xff);
      pos += 4;
      return v;
    }

    short int16() {
      if (b.length - pos < 2) {
        throw truncated();
      }
      short v = (short) (((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff));
      pos += 2;
      return v;
    }

    /** A 16-bit count, checked against what is left (each counted item takes at least 2 bytes). */
    int count() {
      int n = int16() & 0xffff;
      if (n > MAX_PARAMETERS || n * 2L > b.length - pos) {
        throw truncated();
      }
      return n;
    }

    short[] formats() {
      int n = count();
      short[] f = new short[n];
      for (int i = 0; i < n; i++) {
        f[i] = int16();
        if (f[i] != 0 && f[i] != 1) {
          throw new PgProtocolException("08P01", "invalid format code " + f[i] + " in " + what);
        }
      }
      return f;
    }

    char kind() {
      if (pos >= b.length) {
        throw truncated();
      }
      char k = (char) (b[pos++] & 0xff);
      if (k != 'S' && k != 'P') {
        throw new PgProtocolException("08P01", "invalid Describe/Close target '" + printable(k) + "' in " + what);
      }
      return k;
    }

    byte[] bytes(int n) {
      if (n > b.length - pos) {
        throw truncated();
      }
      byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + n);
      pos += n;
      return out;
    }

    byte[] rest() {
      return bytes(b.length - pos);
    }

    String cstring() {
      int end = pos;
      while (end < b.length && b[end] != 0) {
        end++;
      }
      if (end >= b.length) {
        throw new PgProtocolException("08P01", what + " has a string without its terminating zero byte");
      }
      String s = utf8(b, pos, end - pos);
      pos = end + 1;
      return s;
    }

    void end() {
      if (pos != b.length) {
        throw new PgProtocolException("08P01", what + " has " + (b.length - pos) + " bytes after its last field");
      }
    }
  }

  /** Strict UTF-8 (the only client_encoding served): anything else is refused, not replaced. */
  static String utf8(byte[] b, int off, int len) {
    try {
      CharBuffer c = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b, off, len));
      return c.toString();
    } catch (CharacterCodingException e) {
      throw new PgProtocolException("22021", "a string is not valid UTF-8 (the only client_encoding served)");
    }
  }
}
