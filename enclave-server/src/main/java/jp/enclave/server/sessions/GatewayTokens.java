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
  private final KeysetHandle signing;
  private final Duration ttl;

  private GatewayTokens(KeysetHandle signing, Duration ttl) {
    this.signing = signing;
    this.ttl = ttl;
  }

  /** A key held in memory only (tests). */
  public static GatewayTokens ephemeral(Duration ttl) {
    return new GatewayTokens(SessionTokens.newSigningKeyset(), ttl);
  }

  /**
   * The key kept in {@code file} (created owner-only on first use), so tokens and the published
   * key set survive a restart.
   */
  public static GatewayTokens persistent(Path file, Duration ttl) {
    try {
      if (Files.exists(file)) {
        return new GatewayTokens(TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(file),
            InsecureSecretKeyAccess.get()), ttl);
      }
      KeysetHandle k = SessionTokens.newSigningKeyset();
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), "signing", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, TinkJsonProtoKeysetFormat.serializeKeyset(k, InsecureSecretKeyAccess.get()));
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return new GatewayTokens(k, ttl);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot load or create the session-token key " + file + ": " + e.getMessage(), e);
    }
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
