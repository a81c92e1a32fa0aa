package jp.enclave.gateway.pgwire;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The backend half of the protocol: builds one message at a time in a growing buffer (its length
 * is known only at the end) and writes it to a buffered stream; {@link #flush()} sends.
 */
final class PgWriter {
  private final OutputStream out;
  private byte[] buf = new byte[8192];
  private int len;
  private int start;

  PgWriter(OutputStream out) {
    this.out = out;
  }

  PgWriter begin(char type) {
    start = len;
    ensure(5);
    buf[len++] = (byte) type;
    len += 4;
    return this;
  }

  void end() throws IOException {
    int n = len - start - 1;
    buf[start + 1] = (byte) (n >>> 24);
    buf[start + 2] = (byte) (n >>> 16);
    buf[start + 3] = (byte) (n >>> 8);
    buf[start + 4] = (byte) n;
    if (len > 64 * 1024) {
      out.write(buf, 0, len);
      len = 0;
    }
  }

  void flush() throws IOException {
    if (len > 0) {
      out.write(buf, 0, len);
      len = 0;
    }
    out.flush();
  }

  /** A single byte written outside the message framing (the answer to SSLRequest/GSSENCRequest). */
  void raw(char c) throws IOException {
    flush();
    out.write(c);
    out.flush();
  }

  private void ensure(int n) {
    if (len + n > buf.length) {
      buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
  }

  PgWriter int8(int v) {
    ensure(1);
    buf[len++] = (byte) v;
    return this;
  }

  PgWriter int16(int v) {
    ensure(2);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
    return this;
  }

  PgWriter int32(int v) {
    ensure(4);
    buf[len++] = (byte) (v >>> 24);
    buf[len++] = (byte) (v >>> 16);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
    return this;
  }

  PgWriter int64(long v) {
    int32((int) (v >>> 32));
    return int32((int) v);
  }

  PgWriter bytes(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
    return this;
  }

  PgWriter cstring(String s) {
    // A zero byte inside would end the field early on the client: written as U+FFFD instead.
    bytes(s.replace('\0', '\uFFFD').getBytes(StandardCharsets.UTF_8));
    return int8(0);
  }

  /** A length-prefixed value (DataRow field); null is -1. */
  PgWriter value(byte[] b) {
    if (b == null) {
      return int32(-1);
    }
    int32(b.length);
    return bytes(b);
  }

  // ---- whole messages ----------------------------------------------------------------------

  void authentication(int code, byte[] data) throws IOException {
    begin('R').int32(code);
    if (data != null) {
      bytes(data);
    }
    end();
  }

  void parameterStatus(String name, String value) throws IOException {
    begin('S').cstring(name).cstring(value).end();
  }

  void backendKeyData(int pid, int key) throws IOException {
    begin('K').int32(pid).int32(key).end();
  }

  void readyForQuery(char status) throws IOException {
    begin('Z').int8(status).end();
    flush();
  }

  void commandComplete(String tag) throws IOException {
    begin('C').cstring(tag).end();
  }

  void emptyQuery() throws IOException {
    begin('I').end();
  }

  void parseComplete() throws IOException {
    begin('1').end();
  }

  void bindComplete() throws IOException {
    begin('2').end();
  }

  void closeComplete() throws IOException {
    begin('3').end();
  }

  void noData() throws IOException {
    begin('n').end();
  }

  void portalSuspended() throws IOException {
    begin('s').end();
  }

  void parameterDescription(int[] oids) throws IOException {
    begin('t').int16(oids.length);
    for (int oid : oids) {
      int32(oid);
    }
    end();
  }

  void rowDescription(List<PgTypes.Column> columns, short[] formats) throws IOException {
    begin('T').int16(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      PgTypes.Column c = columns.get(i);
      cstring(c.name()).int32(0).int16(0).int32(c.type().oid()).int16(c.type().length()).int32(c.typmod())
          .int16(PgTypes.format(formats, i));
    }
    end();
  }

  void negotiateProtocolVersion(int newestMinor, List<String> unrecognized) throws IOException {
    begin('v').int32(newestMinor).int32(unrecognized.size());
    unrecognized.forEach(this::cstring);
    end();
  }

  /** ErrorResponse ('E') or NoticeResponse ('N'): severity, SQLSTATE, message, optional position. */
  void error(char type, String severity, String sqlState, String message, int position, String hint)
      throws IOException {
    begin(type);
    int8('S').cstring(severity);
    int8('V').cstring(severity);
    int8('C').cstring(sqlState);
    int8('M').cstring(message);
    if (position > 0) {
      int8('P').cstring(Integer.toString(position));
    }
    if (hint != null) {
      int8('H').cstring(hint);
    }
    int8(0);
    end();
  }
}
