package jp.enclave.server.sessions;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import jp.enclave.gateway.token.SessionTokens;

/**
 * The server's session-token key and issuer, on query-gateway's claim contract
 * ({@link SessionTokens}): the gateway accepts what this signs, and trusts only the public JWK set
 * the server publishes.
 */
public final class GatewayTokens {
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
  private final KeysetHandle signing;
  private final Duration ttl;
  private final byte[] pgSecret;

  private GatewayTokens(KeysetHandle signing, Duration ttl, byte[] pgSecret) {
    this.signing = signing;
    this.ttl = ttl;
    this.pgSecret = pgSecret;
  }

  /** A key held in memory only (tests). */
  public static GatewayTokens ephemeral(Duration ttl) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return new GatewayTokens(SessionTokens.newSigningKeyset(), ttl, secret);
  }

  /**
   * The session's PostgreSQL password (the PostgreSQL user is the session id): derived from the
   * server's own secret, so the portal can show it again while the session lives without the
   * server storing it; the gateway only ever sees its SCRAM verifier, inside the signed token.
   */
  public String pgPassword(String sessionId) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(pgSecret, "HmacSHA256"));
      byte[] h = mac.doFinal(("pg-password:" + sessionId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(h, 18));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }

  /** The SCRAM-SHA-256 verifier of {@link #pgPassword} (fresh salt each time) for the token's claim. */
  public String pgVerifier(String sessionId) {
    return jp.enclave.gateway.pgwire.ScramSha256.newVerifier(pgPassword(sessionId));
  }

  /**
   * The key kept in {@code file} (created owner-only on first use), so tokens and the published
   * key set survive a restart.
   */
  public static GatewayTokens persistent(Path file, Duration ttl) {
    // Tink's JWT signature key manager must be registered before the kept key is parsed: on a
    // restart with the key in place nothing had loaded SessionTokens yet, the key was read as a
    // legacy proto key and every session open failed (500 "cannot sign a session token").
    SessionTokens.ensureRegistered();
    try {
      byte[] pgSecret = secret(file.resolveSibling("pg-password.key"));
      if (Files.exists(file)) {
        return new GatewayTokens(TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(file),
            InsecureSecretKeyAccess.get()), ttl, pgSecret);
      }
      KeysetHandle k = SessionTokens.newSigningKeyset();
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), "signing", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, TinkJsonProtoKeysetFormat.serializeKeyset(k, InsecureSecretKeyAccess.get()));
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return new GatewayTokens(k, ttl, pgSecret);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot load or create the session-token key " + file + ": " + e.getMessage(), e);
    }
  }

  /** 32 random bytes kept owner-only in {@code file}, made on first use. */
  private static byte[] secret(Path file) throws IOException {
    if (Files.exists(file)) {
      return Files.readAllBytes(file);
    }
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    Files.createDirectories(file.getParent());
    Path tmp = Files.createTempFile(file.getParent(), "pg", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(tmp, b);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return b;
  }

  public String publicJwkSet() {
    return SessionTokens.publicJwkSet(signing);
  }

  public Duration ttl() {
    return ttl;
  }

  public String issue(SessionTokens.Claims claims, Instant now) {
    return SessionTokens.issue(signing, claims, now, ttl);
  }
}
