package jp.enclave.gateway.pgwire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * SCRAM-SHA-256 (RFC 5802/7677) as PostgreSQL uses it, on the JDK's own primitives (PBKDF2, HMAC,
 * SHA-256): the verifier a session token carries, in PostgreSQL's stored format
 * {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}, and the server's side of
 * one exchange. The gateway only ever holds the verifier, never the password.
 */
public final class ScramSha256 {
  public static final String MECHANISM = "SCRAM-SHA-256";
  /** PostgreSQL's default iteration count. */
  public static final int DEFAULT_ITERATIONS = 4096;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A parsed verifier. */
  public record Verifier(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
    public String encode() {
      Base64.Encoder b = Base64.getEncoder();
      return MECHANISM + "$" + iterations + ":" + b.encodeToString(salt) + "$" + b.encodeToString(storedKey) + ":"
          + b.encodeToString(serverKey);
    }

    /** Checks a cleartext password (sent only inside TLS) against this verifier, in constant time. */
    public boolean matches(String password) {
      byte[] salted = salted(password, salt, iterations);
      return MessageDigest.isEqual(sha256(hmac(salted, "Client Key")), storedKey);
    }
  }

  private ScramSha256() {}

  /** A new verifier of {@code password} with a random salt (what the enclave server puts in the token). */
  public static String newVerifier(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return verifier(password, salt, DEFAULT_ITERATIONS).encode();
  }

  static Verifier verifier(String password, byte[] salt, int iterations) {
    byte[] salted = salted(password, salt, iterations);
    return new Verifier(iterations, salt, sha256(hmac(salted, "Client Key")), hmac(salted, "Server Key"));
  }

  /** Parses PostgreSQL's format; throws {@link IllegalArgumentException} naming what is wrong. */
  public static Verifier parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("no SCRAM verifier");
    }
    String[] parts = text.split("\\$", -1);
    if (parts.length != 3 || !parts[0].equals(MECHANISM)) {
      throw new IllegalArgumentException("a SCRAM verifier reads SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>");
    }
    String[] iterSalt = parts[1].split(":", -1);
    String[] keys = parts[2].split(":", -1);
    if (iterSalt.length != 2 || keys.length != 2) {
      throw new IllegalArgumentException("a SCRAM verifier reads SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>");
    }
    try {
      int iterations = Integer.parseInt(iterSalt[0]);
      byte[] salt = Base64.getDecoder().decode(iterSalt[1]);
      byte[] stored = Base64.getDecoder().decode(keys[0]);
      byte[] server = Base64.getDecoder().decode(keys[1]);
      if (iterations < 1000 || iterations > 10_000_000 || salt.length < 8 || stored.length != 32 || server.length != 32) {
        throw new IllegalArgumentException("the SCRAM verifier's iterations, salt or keys are out of range");
      }
      return new Verifier(iterations, salt, stored, server);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the SCRAM verifier's iteration count is not a number");
    }
  }

  /**
   * The server's half of one exchange. {@code verifier} is the user's, or for an unknown user a
   * decoy derived from a server secret, so that an unknown user and a wrong password look alike
   * until the client's proof fails.
   */
  static final class Exchange {
    private final Verifier verifier;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;

    Exchange(Verifier verifier) {
      this.verifier = verifier;
    }

    /** The client-first message ({@code n,,n=,r=...}); returns the server-first message. */
    String first(String clientFirst) {
      // GS2 header: no channel binding ("n"), or "y" (client could but thinks we cannot).
      if (!(clientFirst.startsWith("n,") || clientFirst.startsWith("y,"))) {
        throw new IllegalArgumentException("channel binding is not offered by this server");
      }
      int second = clientFirst.indexOf(',', 2);
      if (second < 0) {
        throw new IllegalArgumentException("malformed SCRAM client-first message");
      }
      clientFirstBare = clientFirst.substring(second + 1);
      String clientNonce = null;
      for (String attr : clientFirstBare.split(",")) {
        if (attr.startsWith("r=")) {
          clientNonce = attr.substring(2);
        }
      }
      if (clientNonce == null || clientNonce.isEmpty() || clientNonce.length() > 256) {
        throw new IllegalArgumentException("the SCRAM client-first message has no nonce");
      }
      byte[] serverNonce = new byte[18];
      RANDOM.nextBytes(serverNonce);
      nonce = clientNonce + Base64.getEncoder().encodeToString(serverNonce);
      serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(verifier.salt()) + ",i="
          + verifier.iterations();
      return serverFirst;
    }

    /**
     * The client-final message; returns the server-final message ({@code v=...}) when the proof is
     * right, otherwise null. Compared in constant time.
     */
    String last(String clientFinal) {
      int p = clientFinal.lastIndexOf(",p=");
      if (p < 0) {
        throw new IllegalArgumentException("the SCRAM client-final message has no proof");
      }
      String withoutProof = clientFinal.substring(0, p);
      byte[] proof;
      try {
        proof = Base64.getDecoder().decode(clientFinal.substring(p + 3));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the SCRAM proof is not base64");
      }
      boolean nonceOk = false;
      boolean bindingOk = false;
      for (String attr : withoutProof.split(",")) {
        if (attr.startsWith("r=")) {
          nonceOk = MessageDigest.isEqual(attr.substring(2).getBytes(StandardCharsets.UTF_8),
              nonce.getBytes(StandardCharsets.UTF_8));
        } else if (attr.startsWith("c=")) {
          // "biws" is base64 of "n,,"; "eSws" of "y,,".
          bindingOk = attr.equals("c=biws") || attr.equals("c=eSws");
        }
      }
      String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
      byte[] clientSignature = hmac(verifier.storedKey(), authMessage);
      byte[] clientKey = new byte[clientSignature.length];
      for (int i = 0; i < clientKey.length; i++) {
        clientKey[i] = (byte) ((i < proof.length ? proof[i] : 0) ^ clientSignature[i]);
      }
      boolean proofOk = proof.length == clientSignature.length
          & MessageDigest.isEqual(sha256(clientKey), verifier.storedKey());
      if (!(proofOk & nonceOk & bindingOk)) {
        return null;
      }
      return "v=" + Base64.getEncoder().encodeToString(hmac(verifier.serverKey(), authMessage));
    }
  }

  /** A decoy verifier for an unknown user: stable per user, so probing cannot tell it apart. */
  static Verifier decoy(String user, byte[] secret) {
    byte[] seed = hmac(secret, "decoy:" + user);
    byte[] salt = java.util.Arrays.copyOf(seed, 16);
    return new Verifier(DEFAULT_ITERATIONS, salt, sha256(hmac(seed, "stored")), hmac(seed, "server"));
  }

  static byte[] salted(String password, byte[] salt, int iterations) {
    try {
      // PostgreSQL applies SASLprep; the enclave's generated passwords are ASCII, where it is the identity.
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] hmac(byte[] key, String message) {
    return hmac(key, message.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
