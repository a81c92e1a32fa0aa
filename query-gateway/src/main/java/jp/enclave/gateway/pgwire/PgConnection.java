package jp.enclave.gateway.pgwire;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import jp.enclave.gateway.core.Gateway;
import jp.enclave.gateway.core.GatewayRefusal;
import jp.enclave.gateway.core.GatewaySession;
import jp.enclave.gateway.core.PlannedQuery;
import jp.enclave.gateway.core.RunningQuery;
import jp.enclave.gateway.pgwire.PgMessages.Frontend;
import org.apache.arrow.memory.BufferAllocator;

/**
 * One client connection: startup (TLS or not), SCRAM-SHA-256 authentication against the
 * session's verifier, then the simple and extended query protocols. Each statement is chatter
 * ({@link PgChatter}), a catalog question ({@link PgCatalog}), a cursor command, or a query for
 * the core, which plans, decides, audits and runs it exactly as for Flight SQL. The session is
 * looked up again before every statement: a removed or expired session's next query is refused
 * and the connection closed.
 */
final class PgConnection implements Runnable {
  private static final Pattern DECLARE = Pattern.compile(
      "(?is)\\s*declare\\s+(\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_$]*)\\s+((?:binary\\s+|insensitive\\s+|no\\s+scroll\\s+|scroll\\s+|asensitive\\s+)*)"
          + "cursor\\s+(?:(with|without)\\s+hold\\s+)?for\\s+");
  private static final Pattern FETCH = Pattern.compile(
      "(?is)\\s*fetch\\s+(?:(forward|next)\\s+)?(?:(all|\\d+)\\s+)?(?:from\\s+|in\\s+)?(\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_$]*)\\s*");
  private static final Pattern CLOSE = Pattern.compile(
      "(?is)\\s*close\\s+(all|\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_$]*)\\s*");

  /** A parsed (named or unnamed) statement: its text and the parameter types the client declared. */
  private record Prepared(String sql, int[] declaredTypes) {}

  /** A bound portal: its result and the formats of its columns. */
  private record Portal(PgResult result, short[] formats, String sql) {}

  private final PgWireServer server;
  private final Socket socket;
  private final String source;
  private final int processId;
  private final int secretKey;
  private Gateway gateway;
  private InputStream in;
  private PgWriter out;
  private boolean tls;
  private GatewaySession session;
  private char txState = 'I';
  private boolean skipToSync;
  private final Map<PgChatter.Setting, String> settings = PgChatter.initial();
  private final Map<String, Prepared> statements = new HashMap<>();
  private final Map<String, Portal> portals = new HashMap<>();
  /** DECLAREd cursors (psycopg's named cursors): a portal by another name, closed with the transaction unless WITH HOLD. */
  private final Map<String, Portal> cursors = new LinkedHashMap<>();
  private final Map<String, Boolean> cursorHold = new HashMap<>();
  private volatile RunningQuery running;
  /** Between a query message and ReadyForQuery. */
  private volatile boolean busy;
  /** What a CancelRequest stops while busy: a fresh one for every query cycle. */
  private volatile Gateway.Cancel cancel = new Gateway.Cancel();
  private final BufferAllocator allocator;

  PgConnection(PgWireServer server, Socket socket, int processId, int secretKey, BufferAllocator allocator) {
    this.server = server;
    this.socket = socket;
    this.source = socket.getInetAddress().getHostAddress();
    this.processId = processId;
    this.secretKey = secretKey;
    this.gateway = server.gateway();
    this.allocator = allocator;
  }

  int secretKey() {
    return secretKey;
  }

  /**
   * A CancelRequest from another connection with this connection's key: stops the running query,
   * or, while a statement is being planned, the query it starts (until the next ReadyForQuery).
   */
  void cancel() {
    if (busy) {
      cancel.cancel();
    }
    RunningQuery q = running;
    if (q != null) {
      q.cancel();
    }
  }

  /** Server shutdown: the socket closes, the connection's thread ends and closes what it holds. */
  void shutdown() {
    cancel();
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** The core's query for the current statement started (or ended: null). */
  private void running(RunningQuery q) {
    running = q;
  }

  @Override
  public void run() {
    try {
      socket.setSoTimeout((int) server.config().startupTimeout().toMillis());
      socket.setTcpNoDelay(true);
      in = socket.getInputStream();
      out = new PgWriter(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
      if (!startup()) {
        return;
      }
      socket.setSoTimeout(0);
      loop();
    } catch (PgProtocolException e) {
      audit("pgwire.protocol-error", Map.of("sqlState", e.sqlState(), "reason", e.getMessage()));
      fatal(e.sqlState(), "GW-PROTOCOL", e.getMessage());
    } catch (SocketTimeoutException e) {
      audit("pgwire.protocol-error", Map.of("sqlState", "08006", "reason", "startup did not finish in time"));
      fatal("08006", "GW-PROTOCOL", "the connection's startup did not finish within "
          + server.config().startupTimeout().toSeconds() + " s");
    } catch (EOFException e) {
      // The client went away between messages.
    } catch (IOException e) {
      // The connection broke; nothing to tell anyone.
    } catch (RuntimeException e) {
      audit("pgwire.internal-error", Map.of("error", e.getClass().getName()));
      fatal("XX000", "GW-INTERNAL", "the gateway failed internally on this connection");
    } finally {
      closeAll();
      server.closed(this, source);
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  // ---- startup and authentication ----------------------------------------------------------

  private boolean startup() throws IOException {
    boolean sslAsked = false;
    boolean gssAsked = false;
    while (true) {
      Frontend m = PgMessages.readStartup(in);
      if (m instanceof PgMessages.SslRequest) {
        if (sslAsked || tls) {
          throw new PgProtocolException("08P01", "SSLRequest sent twice");
        }
        sslAsked = true;
        if (server.sslContext() == null) {
          out.raw('N');
        } else {
          out.raw('S');
          SSLSocket s = (SSLSocket) server.sslContext().getSocketFactory().createSocket(socket,
              socket.getInetAddress().getHostAddress(), socket.getPort(), true);
          s.setUseClientMode(false);
          s.startHandshake();
          tls = true;
          in = s.getInputStream();
          out = new PgWriter(new BufferedOutputStream(s.getOutputStream(), 64 * 1024));
        }
      } else if (m instanceof PgMessages.GssEncRequest) {
        if (gssAsked) {
          throw new PgProtocolException("08P01", "GSSENCRequest sent twice");
        }
        gssAsked = true;
        out.raw('N');
      } else if (m instanceof PgMessages.CancelRequest c) {
        server.cancel(c.processId(), c.secretKey(), source);
        return false;
      } else if (m instanceof PgMessages.Startup s) {
        return begin(s);
      }
    }
  }

  private boolean begin(PgMessages.Startup s) throws IOException {
    int major = s.version() >>> 16;
    int minor = s.version() & 0xffff;
    if (major != 3) {
      audit("pgwire.protocol-error", Map.of("sqlState", "0A000", "reason", "unsupported protocol " + major + "." + minor));
      fatal("0A000", "GW-PROTOCOL", "unsupported frontend protocol " + major + "." + minor
          + ": the gateway serves protocol 3.0");
      return false;
    }
    List<String> unknownOptions = s.parameters().keySet().stream().filter(k -> k.startsWith("_pq_.")).toList();
    if (minor > 0 || !unknownOptions.isEmpty()) {
      out.negotiateProtocolVersion(0, unknownOptions);
    }
    String user = s.parameters().get("user");
    if (user == null || user.isEmpty()) {
      audit("pgwire.protocol-error", Map.of("sqlState", "28000", "reason", "startup without a user name"));
      fatal("28000", "GW-AUTH", "no PostgreSQL user name in the startup packet: the user name is your session id");
      return false;
    }
    String application = s.parameters().getOrDefault("application_name", "");
    if (PgChatter.Setting.APPLICATION_NAME.settable.test(application)) {
      settings.put(PgChatter.Setting.APPLICATION_NAME, application);
    }
    String encoding = s.parameters().get("client_encoding");
    if (encoding != null && !PgChatter.Setting.CLIENT_ENCODING.settable.test(encoding.replace("'", ""))) {
      audit("pgwire.protocol-error", Map.of("sqlState", "22023", "reason", "client_encoding " + encoding));
      fatal("22023", "GW-PROTOCOL", "the gateway serves client_encoding UTF8 only, not " + encoding);
      return false;
    }
    if (!authenticate(user)) {
      return false;
    }
    out.authentication(0, null);
    settings.put(PgChatter.Setting.SESSION_AUTHORIZATION, user);
    for (PgChatter.Setting setting : PgChatter.Setting.values()) {
      if (setting.reported) {
        out.parameterStatus(setting.pgName, settings.get(setting));
      }
    }
    out.backendKeyData(processId, secretKey);
    out.readyForQuery(txState);
    return true;
  }

  private boolean authenticate(String user) throws IOException {
    Optional<PgCredentials.Entry> entry = server.credentials().lookup(user);
    ScramSha256.Verifier verifier = entry.map(PgCredentials.Entry::verifier)
        .orElseGet(() -> ScramSha256.decoy(user, server.decoySecret()));
    boolean ok;
    String method;
    if (tls && server.config().cleartextOverTls()) {
      method = "password";
      out.authentication(3, null);
      out.flush();
      byte[] data = expectPassword();
      int end = data.length > 0 && data[data.length - 1] == 0 ? data.length - 1 : data.length;
      String password = PgMessages.utf8(data, 0, end);
      ok = !password.isEmpty() && verifier.matches(password);
    } else {
      method = "scram-sha-256";
      byte[] mechanisms = (ScramSha256.MECHANISM + "\0\0").getBytes(StandardCharsets.US_ASCII);
      out.authentication(10, mechanisms);
      out.flush();
      byte[] initial = expectPassword();
      int zero = indexOf(initial, (byte) 0);
      if (zero < 0 || !new String(initial, 0, zero, StandardCharsets.US_ASCII).equals(ScramSha256.MECHANISM)
          || initial.length < zero + 5) {
        throw new PgProtocolException("08P01", "the client did not choose SCRAM-SHA-256");
      }
      int len = java.nio.ByteBuffer.wrap(initial, zero + 1, 4).getInt();
      if (len < 0 || len != initial.length - zero - 5) {
        throw new PgProtocolException("08P01", "malformed SASLInitialResponse");
      }
      ScramSha256.Exchange exchange = new ScramSha256.Exchange(verifier);
      String serverFirst;
      try {
        serverFirst = exchange.first(PgMessages.utf8(initial, zero + 5, len));
      } catch (IllegalArgumentException e) {
        throw new PgProtocolException("08P01", e.getMessage());
      }
      out.authentication(11, serverFirst.getBytes(StandardCharsets.UTF_8));
      out.flush();
      byte[] last = expectPassword();
      String serverFinal;
      try {
        serverFinal = exchange.last(PgMessages.utf8(last, 0, last.length));
      } catch (IllegalArgumentException e) {
        throw new PgProtocolException("08P01", e.getMessage());
      }
      ok = serverFinal != null && entry.isPresent();
      if (ok) {
        out.authentication(12, serverFinal.getBytes(StandardCharsets.UTF_8));
      }
    }
    if (!ok) {
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("pgUser", user.length() > 128 ? user.substring(0, 128) : user);
      data.put("method", method);
      data.put("tls", tls);
      data.put("reason", entry.isEmpty() ? "no live session with this id" : "wrong password");
      audit("pgwire.auth-failed", data);
      server.authFailed(source);
      fatal("28P01", "GW-AUTH", "password authentication failed for user \"" + user + "\"");
      return false;
    }
    session = entry.get().session();
    Map<String, Object> data = sessionData();
    data.put("method", method);
    data.put("tls", tls);
    data.put("expiresAt", session.expiresAt().toString());
    data.put("application", settings.get(PgChatter.Setting.APPLICATION_NAME));
    audit("pgwire.authenticated", data);
    return true;
  }

  private byte[] expectPassword() throws IOException {
    Frontend m = PgMessages.readMessage(in);
    if (m instanceof PgMessages.PasswordData p) {
      return p.payload();
    }
    if (m instanceof PgMessages.Terminate) {
      throw new EOFException();
    }
    throw new PgProtocolException("08P01", "expected a password message during authentication");
  }

  private static int indexOf(byte[] b, byte v) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }

  // ---- the query loop --------------------------------------------------------------------

  private void loop() throws IOException {
    in = new BufferedInputStream(in, 64 * 1024);
    while (true) {
      Frontend m = PgMessages.readMessage(in);
      if (m instanceof PgMessages.Terminate) {
        return;
      }
      if (!busy) {
        cancel = new Gateway.Cancel();
      }
      busy = !(m instanceof PgMessages.Sync);
      if (m instanceof PgMessages.Sync) {
        skipToSync = false;
        if (txState == 'I') {
          closePortals();
        }
        out.readyForQuery(txState);
        continue;
      }
      if (m instanceof PgMessages.Flush) {
        out.flush();
        continue;
      }
      if (m instanceof PgMessages.Query q) {
        skipToSync = false;
        simpleQuery(q.sql());
        continue;
      }
      if (skipToSync) {
        continue;
      }
      try {
        extended(m);
      } catch (PgError e) {
        error(e);
        skipToSync = true;
      }
    }
  }

  private void simpleQuery(String sql) throws IOException {
    try {
      checkSession();
      List<PgSql.Piece> pieces = PgSql.split(sql);
      if (pieces.isEmpty()) {
        out.emptyQuery();
      } else if (pieces.size() > 1 && !pieces.stream().allMatch(p -> isServedHere(p.text()))) {
        // A query hidden behind chatter (or a second query): the core refuses stacked statements.
        PgResult r = statement(sql, 0);
        r.close();
        throw new PgError("42601", "GW-MULTIPLE-STATEMENTS", "Send one query at a time.");
      } else {
        for (PgSql.Piece p : pieces) {
          int before = sql.codePointCount(0, p.offset());
          PgResult r;
          try {
            r = statement(p.text(), before);
          } catch (PgError e) {
            throw e.after(before);
          }
          try {
            List<PgTypes.Column> columns = r.columns();
            if (columns != null) {
              out.rowDescription(columns, null);
            }
            r.send(out, null, 0);
            out.commandComplete(r.tag());
          } finally {
            if (!cursors.containsValue(portalOf(r))) {
              r.close();
            }
          }
        }
      }
    } catch (PgError e) {
      error(e);
    } catch (GatewayRefusal r) {
      error(PgError.of(r, sql, 0));
    }
    if (txState == 'I') {
      closePortals();
    }
    busy = false;
    out.readyForQuery(txState);
  }

  private Portal portalOf(PgResult r) {
    for (Portal p : cursors.values()) {
      if (p.result() == r) {
        return p;
      }
    }
    return null;
  }

  private boolean isServedHere(String text) {
    try {
      List<PgSql.Token> t = PgSql.tokens(text);
      return PgChatter.classify(t) != null;
    } catch (PgError e) {
      return true;
    }
  }

  private void extended(Frontend m) throws IOException {
    if (m instanceof PgMessages.Parse p) {
      checkSession();
      if (!p.statement().isEmpty() && statements.containsKey(p.statement())) {
        throw new PgError("42P05", "GW-PROTOCOL", "prepared statement \"" + p.statement() + "\" already exists");
      }
      if (statements.size() > 256) {
        throw new PgError("53000", "GW-PROTOCOL", "too many prepared statements on this connection");
      }
      statements.put(p.statement(), new Prepared(p.sql(), p.parameterTypes()));
      out.parseComplete();
    } else if (m instanceof PgMessages.Bind b) {
      checkSession();
      Prepared st = statements.get(b.statement());
      if (st == null) {
        throw new PgError("26000", "GW-PROTOCOL", "prepared statement \"" + b.statement() + "\" does not exist");
      }
      String sql = bind(st, b);
      Portal old = portals.remove(b.portal());
      if (old != null) {
        old.result().close();
      }
      if (portals.size() > 256) {
        throw new PgError("53000", "GW-PROTOCOL", "too many portals on this connection");
      }
      PgResult r;
      try {
        r = statement(sql, 0);
      } catch (GatewayRefusal refusal) {
        throw PgError.of(refusal, sql, 0);
      }
      portals.put(b.portal(), new Portal(r, b.resultFormats(), sql));
      out.bindComplete();
    } else if (m instanceof PgMessages.Describe d) {
      describe(d);
    } else if (m instanceof PgMessages.Execute e) {
      Portal p = portals.get(e.portal());
      if (p == null) {
        throw new PgError("34000", "GW-PROTOCOL", "portal \"" + e.portal() + "\" does not exist");
      }
      try {
        boolean more = p.result().send(out, p.formats(), e.maxRows() <= 0 ? 0 : e.maxRows());
        if (more) {
          out.portalSuspended();
        } else {
          out.commandComplete(p.result().tag());
        }
      } catch (GatewayRefusal r) {
        portals.remove(e.portal());
        p.result().close();
        throw PgError.of(r, p.sql(), 0);
      }
    } else if (m instanceof PgMessages.Close c) {
      if (c.kind() == 'S') {
        statements.remove(c.name());
      } else {
        Portal p = portals.remove(c.name());
        if (p != null) {
          p.result().close();
        }
      }
      out.closeComplete();
    } else if (m instanceof PgMessages.PasswordData) {
      throw new PgProtocolException("08P01", "a password message after authentication");
    } else if (m instanceof PgMessages.Unsupported u) {
      throw new PgError("0A000", "GW-STATEMENT-NOT-ALLOWED", "The gateway does not serve "
          + (u.type() == 'F' ? "function calls" : "COPY") + ".");
    }
  }

  private void describe(PgMessages.Describe d) throws IOException {
    if (d.kind() == 'P') {
      // A DECLAREd cursor is a portal too (psycopg 3 describes its cursor by name).
      Portal p = portals.containsKey(d.name()) ? portals.get(d.name()) : cursors.get(d.name());
      if (p == null) {
        throw new PgError("34000", "GW-PROTOCOL", "portal \"" + d.name() + "\" does not exist");
      }
      List<PgTypes.Column> columns;
      try {
        columns = p.result().columns();
      } catch (GatewayRefusal r) {
        throw PgError.of(r, p.sql(), 0);
      }
      if (columns == null) {
        out.noData();
      } else {
        out.rowDescription(columns, p.formats());
      }
      return;
    }
    checkSession();
    Prepared st = statements.get(d.name());
    if (st == null) {
      throw new PgError("26000", "GW-PROTOCOL", "prepared statement \"" + d.name() + "\" does not exist");
    }
    int n = Math.max(PgSql.parameterCount(st.sql()), st.declaredTypes().length);
    int[] types = new int[n];
    List<String> nulls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int declared = i < st.declaredTypes().length ? st.declaredTypes()[i] : 0;
      types[i] = declared == 0 ? PgTypes.Type.TEXT.oid() : declared;
      // An integer may stand where NULL may not (pgjdbc describes "LIMIT ?" declared int4).
      PgTypes.Type t = PgTypes.Type.ofOid(declared);
      nulls.add(t == PgTypes.Type.INT2 || t == PgTypes.Type.INT4 || t == PgTypes.Type.INT8 ? "0" : "NULL");
    }
    out.parameterDescription(types);
    // The result's shape, with NULL (0 for integers) for every parameter: planned (and audited) but never run.
    String sql = n == 0 ? st.sql() : PgSql.bind(st.sql(), nulls);
    try (PgResult r = statement(sql, 0)) {
      List<PgTypes.Column> columns;
      if (r instanceof PgResult.Query q) {
        try (BufferAllocator child = allocator.newChildAllocator("describe", 0, Long.MAX_VALUE)) {
          columns = new ArrayList<>();
          for (var f : gateway.resultSchema(q.plan(), child).getFields()) {
            columns.add(PgTypes.ofArrow(f.getName(), f.getType()));
          }
        }
      } else {
        columns = r.columns();
      }
      if (columns == null) {
        out.noData();
      } else {
        out.rowDescription(columns, null);
      }
    } catch (GatewayRefusal r) {
      throw PgError.of(r, sql, 0);
    }
  }

  /** The statement's text with the bound values written in as literals. */
  private String bind(Prepared st, PgMessages.Bind b) {
    int needed = PgSql.parameterCount(st.sql());
    if (b.values().length != Math.max(needed, st.declaredTypes().length) && b.values().length != needed) {
      throw new PgError("08P01", "GW-PARAMETER-COUNT", "The statement has " + needed + " parameters but "
          + b.values().length + " values were bound.");
    }
    if (needed == 0) {
      return st.sql();
    }
    List<String> literals = new ArrayList<>();
    for (int i = 0; i < b.values().length; i++) {
      int oid = i < st.declaredTypes().length ? st.declaredTypes()[i] : 0;
      boolean binary = PgTypes.format(b.parameterFormats(), i) == 1;
      try {
        literals.add(PgTypes.literal(oid, binary, b.values()[i], i + 1));
      } catch (GatewayRefusal r) {
        throw PgError.of(r, st.sql(), 0);
      }
    }
    return PgSql.bind(st.sql(), literals);
  }

  // ---- one statement ---------------------------------------------------------------------

  /**
   * The result of one statement: chatter, catalog, cursor command, or a planned query. In an
   * aborted transaction only its end is served. A GatewayRefusal escapes for the caller to place.
   */
  private PgResult statement(String sql, int before) {
    List<PgSql.Token> tokens = PgSql.tokens(sql);
    PgChatter.Action action = PgChatter.classify(tokens);
    if (txState == 'E' && !(action instanceof PgChatter.End)
        && !(action instanceof PgChatter.Savepoint sp && sp.rollbackTo())) {
      throw new PgError("25P02", "GW-TRANSACTION-ABORTED",
          "current transaction is aborted, commands ignored until end of transaction block");
    }
    if (action != null) {
      return chatter(action, sql);
    }
    Optional<PgResult> catalog = server.catalog().answer(sql, tokens, session);
    if (catalog.isPresent()) {
      return catalog.get();
    }
    Matcher declare = DECLARE.matcher(sql);
    if (declare.lookingAt()) {
      return declare(sql, declare);
    }
    Matcher fetch = FETCH.matcher(sql);
    if (fetch.matches()) {
      return fetch(fetch);
    }
    Matcher close = CLOSE.matcher(sql);
    if (close.matches()) {
      String name = close.group(1);
      if (name.equalsIgnoreCase("all")) {
        cursors.values().forEach(p -> p.result().close());
        cursors.clear();
      } else {
        Portal p = cursors.remove(cursorName(name));
        if (p == null) {
          throw new PgError("34000", "GW-PROTOCOL", "cursor \"" + cursorName(name) + "\" does not exist");
        }
        p.result().close();
      }
      return PgResult.command("CLOSE CURSOR");
    }
    PlannedQuery plan = gateway.plan(session, sql);
    return new PgResult.Query(gateway, plan, allocator, this::running, () -> cancel);
  }

  private static String cursorName(String name) {
    return name.startsWith("\"") ? name.substring(1, name.length() - 1).replace("\"\"", "\"")
        : name.toLowerCase(java.util.Locale.ROOT);
  }

  private PgResult declare(String sql, Matcher m) {
    String name = cursorName(m.group(1));
    boolean hold = "with".equalsIgnoreCase(m.group(3));
    if (!hold && txState == 'I') {
      throw new PgError("25P01", "GW-PROTOCOL", "DECLARE CURSOR can only be used in transaction blocks");
    }
    if (cursors.containsKey(name)) {
      throw new PgError("42P03", "GW-PROTOCOL", "cursor \"" + name + "\" already exists");
    }
    if (cursors.size() >= 16) {
      throw new PgError("53000", "GW-PROTOCOL", "at most 16 cursors may be open on one connection");
    }
    String query = sql.substring(m.end());
    PlannedQuery plan;
    try {
      plan = gateway.plan(session, query);
    } catch (GatewayRefusal r) {
      throw PgError.of(r, query, sql.codePointCount(0, m.end()));
    }
    PgResult.Query result = new PgResult.Query(gateway, plan, allocator, this::running, () -> cancel);
    boolean binary = m.group(2) != null && m.group(2).toLowerCase(java.util.Locale.ROOT).contains("binary");
    cursors.put(name, new Portal(result, binary ? new short[] {1} : null, query));
    cursorHold.put(name, hold);
    return PgResult.command("DECLARE CURSOR");
  }

  /** FETCH [FORWARD|NEXT] [n|ALL] [FROM|IN] name: the next rows of a cursor, as their own result. */
  private PgResult fetch(Matcher m) {
    String name = cursorName(m.group(3));
    Portal p = cursors.get(name);
    if (p == null) {
      throw new PgError("34000", "GW-PROTOCOL", "cursor \"" + name + "\" does not exist");
    }
    long count = m.group(2) == null ? 1 : m.group(2).equalsIgnoreCase("all") ? 0 : Long.parseLong(m.group(2));
    if (count == 0 && m.group(2) != null && !m.group(2).equalsIgnoreCase("all")) {
      return PgResult.command("FETCH 0");
    }
    PgResult.Query q = (PgResult.Query) p.result();
    short[] cursorFormats = p.formats();
    return new PgResult() {
      private long sent;

      @Override
      List<PgTypes.Column> columns() {
        return q.columns();
      }

      @Override
      boolean send(PgWriter w, short[] formats, long maxRows) throws IOException {
        long before = q.total();
        long limit = count == 0 ? maxRows : maxRows <= 0 ? count : Math.min(count - sent, maxRows);
        boolean more = q.send(w, cursorFormats != null ? cursorFormats : formats, limit);
        sent += q.total() - before;
        return maxRows > 0 && more && (count == 0 || sent < count);
      }

      @Override
      String tag() {
        return "FETCH " + sent;
      }
    };
  }

  private PgResult chatter(PgChatter.Action action, String sql) {
    Map<String, Object> data = sessionData();
    data.put("sql", sql.length() > 512 ? sql.substring(0, 512) : sql);
    audit("pgwire.chatter", data);
    try {
      if (action instanceof PgChatter.Begin b) {
        if (txState == 'I') {
          txState = 'T';
        }
        return PgResult.command(b.tag());
      } else if (action instanceof PgChatter.End e) {
        boolean wasAborted = txState == 'E';
        txState = 'I';
        closeCursors(false);
        return PgResult.command(e.commit() && !wasAborted ? "COMMIT" : "ROLLBACK");
      } else if (action instanceof PgChatter.Savepoint sp) {
        if (txState == 'I') {
          throw new PgError("25P01", "GW-PROTOCOL", sp.tag() + " can only be used in transaction blocks");
        }
        if (sp.rollbackTo()) {
          txState = 'T';
        }
        return PgResult.command(sp.tag());
      } else if (action instanceof PgChatter.SetTransaction t) {
        return PgResult.command("SET");
      } else if (action instanceof PgChatter.SetValue s) {
        settings.put(s.setting(), s.setting() == PgChatter.Setting.DATESTYLE ? "ISO, MDY" : s.value());
        if (s.setting().reported) {
          out.parameterStatus(s.setting().pgName, settings.get(s.setting()));
        }
        return PgResult.command("SET");
      } else if (action instanceof PgChatter.Reset r) {
        for (PgChatter.Setting s : PgChatter.Setting.values()) {
          if ((r.setting() == null && s.settable != null) || s == r.setting()) {
            settings.put(s, s.initial);
          }
        }
        return PgResult.command(r.setting() == null ? "RESET" : "RESET");
      } else if (action instanceof PgChatter.Show s) {
        if (s.setting() == null) {
          List<Object[]> rows = new ArrayList<>();
          for (PgChatter.Setting x : PgChatter.Setting.values()) {
            rows.add(new Object[] {x.pgName, settings.get(x), x.settable == null ? "read-only" : "settable"});
          }
          return new PgResult.Fixed(List.of(PgTypes.Column.of("name", PgTypes.Type.TEXT),
              PgTypes.Column.of("setting", PgTypes.Type.TEXT), PgTypes.Column.of("description", PgTypes.Type.TEXT)),
              rows, "SHOW");
        }
        return new PgResult.Fixed(List.of(PgTypes.Column.of(s.label(), PgTypes.Type.TEXT)),
            List.<Object[]>of(new Object[] {settings.get(s.setting())}), "SHOW");
      } else if (action instanceof PgChatter.Discard d) {
        closePortals();
        closeCursors(true);
        statements.clear();
        settings.putAll(PgChatter.initial());
        settings.put(PgChatter.Setting.SESSION_AUTHORIZATION, session.sessionId());
        return PgResult.command("DISCARD ALL");
      } else if (action instanceof PgChatter.Scalars s) {
        List<PgTypes.Column> columns = new ArrayList<>();
        Object[] row = new Object[s.calls().size()];
        for (int i = 0; i < row.length; i++) {
          String[] call = s.calls().get(i);
          columns.add(PgTypes.Column.of(call[1], PgChatter.SCALARS.get(call[0])));
          row[i] = switch (call[0]) {
            case "version" -> "PostgreSQL " + settings.get(PgChatter.Setting.SERVER_VERSION)
                + " (enclave query gateway, project " + gateway.projectId() + ", DuckDB underneath)";
            case "current_schema" -> "public";
            case "current_database", "current_catalog" -> gateway.projectId();
            case "current_user", "session_user", "user" -> session.sessionId();
            case "pg_backend_pid" -> processId;
            case "current_setting" -> settings.get(PgChatter.Setting.named(call[2]));
            default -> throw new IllegalStateException(call[0]);
          };
        }
        return new PgResult.Fixed(columns, List.<Object[]>of(row));
      }
      throw new IllegalStateException("unhandled chatter " + action);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  // ---- session, errors, cleanup ----------------------------------------------------------

  /** The session must still be live at its source: a removed or expired one has every statement refused. */
  private void checkSession() {
    Optional<PgCredentials.Entry> now = server.credentials().lookup(session.sessionId());
    if (now.isEmpty() || !now.get().session().equals(session)) {
      Map<String, Object> data = sessionData();
      data.put("reason", now.isEmpty() ? "the session ended or was removed" : "the session was replaced");
      audit("pgwire.session-ended", data);
      // An ERROR (not FATAL) so that every client shows it; every later statement is refused alike.
      throw new PgError("28000", "GW-SESSION-ENDED",
          "Your session has ended or was removed; open a new session in the enclave.");
    }
  }

  private void error(PgError e) throws IOException {
    if (txState == 'T') {
      txState = 'E';
    }
    out.error('E', "ERROR", e.sqlState(), e.render(), e.position(), null);
  }

  private void fatal(String sqlState, String code, String message) {
    try {
      if (out != null) {
        out.error('E', "FATAL", sqlState, code + ": " + message, 0, null);
        out.flush();
      }
    } catch (IOException e) {
      // the client is gone
    }
  }

  private void closePortals() {
    portals.values().forEach(p -> p.result().close());
    portals.clear();
  }

  private void closeCursors(boolean all) {
    for (var it = cursors.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (all || !cursorHold.getOrDefault(e.getKey(), false)) {
        e.getValue().result().close();
        cursorHold.remove(e.getKey());
        it.remove();
      }
    }
  }

  private void closeAll() {
    try {
      closePortals();
      closeCursors(true);
    } catch (RuntimeException e) {
      // closing anyway
    }
  }

  private Map<String, Object> sessionData() {
    Map<String, Object> data = new LinkedHashMap<>();
    if (session != null) {
      data.put("user", session.userId());
      data.put("session", session.sessionId());
      data.put("sessionKind", session.kind().label());
    }
    return data;
  }

  private void audit(String event, Map<String, ?> detail) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("project", gateway.projectId());
    data.put("source", source);
    data.put("backendPid", processId);
    if (session != null && !detail.containsKey("session")) {
      data.put("session", session.sessionId());
    }
    data.putAll(detail);
    gateway.auditEvent(event, data);
  }
}
