package jp.enclave.gateway.pgwire;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** A byte-level PostgreSQL client for protocol tests: writes what it is told, reads backend messages. */
public final class PgRawClient implements AutoCloseable {
  /** One backend message. */
  public record Message(char type, byte[] body) {
    /** An ErrorResponse's fields by code ('C' SQLSTATE, 'M' message, 'S' severity, 'P' position). */
    public Map<Character, String> fields() {
      Map<Character, String> f = new LinkedHashMap<>();
      int i = 0;
      while (i < body.length && body[i] != 0) {
        char code = (char) body[i++];
        int end = i;
        while (body[end] != 0) {
          end++;
        }
        f.put(code, new String(body, i, end - i, StandardCharsets.UTF_8));
        i = end + 1;
      }
      return f;
    }

    int int32(int at) {
      return ByteBuffer.wrap(body, at, 4).getInt();
    }
  }

  final Socket socket;
  final DataInputStream in;
  final OutputStream out;
  int pid;
  int key;

  public PgRawClient(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(30_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  public void raw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  static byte[] startup(int version, String... params) {
    ByteBuffer b = ByteBuffer.allocate(4096);
    b.putInt(0).putInt(version);
    for (String p : params) {
      b.put(p.getBytes(StandardCharsets.UTF_8)).put((byte) 0);
    }
    b.put((byte) 0);
    int len = b.position();
    b.putInt(0, len);
    byte[] out = new byte[len];
    b.get(0, out);
    return out;
  }

  static byte[] message(char type, byte[] body) {
    return ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(4 + body.length).put(body).array();
  }

  static byte[] cstrings(String... s) {
    StringBuilder b = new StringBuilder();
    for (String x : s) {
      b.append(x).append('\0');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  public Message read() throws IOException {
    char type = (char) in.readUnsignedByte();
    int len = in.readInt();
    byte[] body = new byte[len - 4];
    in.readFully(body);
    return new Message(type, body);
  }

  /** Reads until a message of {@code type}; returns it. */
  Message until(char type) throws IOException {
    while (true) {
      Message m = read();
      if (m.type() == type) {
        return m;
      }
      if (m.type() == 'E' && type != 'E') {
        throw new AssertionError("error: " + m.fields());
      }
    }
  }

  /** Startup and SCRAM-SHA-256 as libpq does it; leaves the client at ReadyForQuery. */
  public void login(String user, String password) throws IOException {
    raw(startup(PgMessages.PROTOCOL_3_0, "user", user, "database", "p1"));
    Message sasl = read();
    if (sasl.type() != 'R' || sasl.int32(0) != 10) {
      throw new AssertionError("expected AuthenticationSASL, got " + sasl.type() + " " + sasl.fields());
    }
    String clientFirstBare = "n=,r=rOprNGfwEbeRWgbNEkqO";
    byte[] first = ("n,," + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    ByteBuffer init = ByteBuffer.allocate(14 + 4 + first.length);
    init.put("SCRAM-SHA-256\0".getBytes(StandardCharsets.US_ASCII)).putInt(first.length).put(first);
    raw(message('p', init.array()));
    Message cont = read();
    String serverFirst = new String(cont.body(), 4, cont.body().length - 4, StandardCharsets.UTF_8);
    Map<String, String> attrs = new LinkedHashMap<>();
    for (String a : serverFirst.split(",")) {
      attrs.put(a.substring(0, 1), a.substring(2));
    }
    byte[] salted = ScramSha256.salted(password, Base64.getDecoder().decode(attrs.get("s")),
        Integer.parseInt(attrs.get("i")));
    byte[] clientKey = ScramSha256.hmac(salted, "Client Key");
    byte[] storedKey = ScramSha256.sha256(clientKey);
    String withoutProof = "c=biws,r=" + attrs.get("r");
    String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    byte[] signature = ScramSha256.hmac(storedKey, authMessage);
    byte[] proof = new byte[clientKey.length];
    for (int i = 0; i < proof.length; i++) {
      proof[i] = (byte) (clientKey[i] ^ signature[i]);
    }
    raw(message('p', (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8)));
    Message fin = read();
    if (fin.type() == 'E') {
      throw new AssertionError("login failed: " + fin.fields());
    }
    Message keyData = until('K');
    pid = keyData.int32(0);
    key = keyData.int32(4);
    until('Z');
  }

  public void query(String sql) throws IOException {
    raw(message('Q', cstrings(sql)));
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
