package jp.enclave.sealed;

import com.google.crypto.tink.Aead;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * A KEK that never leaves a PKCS#11 token (an HSM, a cloud KMS's PKCS#11 library, SoftHSM2 in
 * tests), through the JDK's SunPKCS11 provider: an AES-256 key generated inside the token as
 * sensitive and not extractable, used by the token for AES-GCM (random 96-bit nonce, 128-bit tag,
 * the key id bound as associated data by {@link KeyVault}). Configuration, in
 * {@code kek/<name>.properties}:
 *
 * <pre>
 * type=pkcs11
 * library=/usr/lib/softhsm/libsofthsm2.so
 * slot=1672240005            (or slotListIndex=0)
 * keyLabel=enclave-extract-kek
 * pin.env=ENCLAVE_HSM_PIN     (or pin.file=/etc/enclave/hsm.pin)
 * generate=true              (create the key in the token when absent; honoured in the owning zone only)
 * </pre>
 */
public final class Pkcs11KeyEncryptionKey implements KeyEncryptionKey {
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;
  /** One provider (one token login) per configuration, shared by every KEK opened from it. */
  private static final Map<String, KeyStore> TOKENS = new ConcurrentHashMap<>();

  private final String id;
  private final Provider provider;
  private final Key key;
  private final SecureRandom random = new SecureRandom();

  private Pkcs11KeyEncryptionKey(String id, Provider provider, Key key) {
    this.id = id;
    this.provider = provider;
    this.key = key;
  }

  static Pkcs11KeyEncryptionKey open(String name, Properties config, Path kekDir, boolean mayCreate) {
    String where = KeyEncryptionKeys.configFile(kekDir, name).toString();
    String library = required(config, "library", where);
    String label = required(config, "keyLabel", where);
    String slot = config.getProperty("slot") != null ? "slot=" + config.getProperty("slot")
        : "slotListIndex=" + config.getProperty("slotListIndex", "0");
    if (!Files.isRegularFile(Path.of(library))) {
      throw new SealedStoreException(where + ": PKCS#11 library " + library + " is not installed");
    }
    // Keys this provider generates are sensitive and unextractable: the token never hands them out.
    String providerConfig = "--name=enclave-" + name + "\nlibrary=" + library + "\n" + slot + "\n"
        + "attributes(generate, CKO_SECRET_KEY, CKK_AES) = {\n  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n}\n";
    char[] pin = pin(config, where);
    try {
      KeyStore token = TOKENS.computeIfAbsent(providerConfig, c -> login(c, pin, where));
      Provider provider = token.getProvider();
      Key key = token.getKey(label, null);
      if (key == null) {
        if (!mayCreate || !Boolean.parseBoolean(config.getProperty("generate", "false"))) {
          throw new SealedStoreException(where + ": no key labelled " + label + " in the token"
              + (mayCreate ? " (and generate is off)" : "; this zone never creates keys"));
        }
        KeyGenerator generator = KeyGenerator.getInstance("AES", provider);
        generator.init(256);
        SecretKey session = generator.generateKey();
        token.setKeyEntry(label, session, null, null); // copies it into the token as a persistent object
        key = token.getKey(label, null);
      }
      if (key.getEncoded() != null) {
        throw new SealedStoreException(where + ": key " + label + " is extractable from the token; refusing to use it");
      }
      return new Pkcs11KeyEncryptionKey("pkcs11:" + label, provider, key);
    } catch (GeneralSecurityException e) {
      throw new SealedStoreException(where + ": PKCS#11 key " + label + " is unusable: " + e.getMessage(), e);
    }
  }

  private static KeyStore login(String providerConfig, char[] pin, String where) {
    try {
      Provider p = Security.getProvider("SunPKCS11").configure(providerConfig);
      KeyStore ks = KeyStore.getInstance("PKCS11", p);
      ks.load(null, pin);
      return ks;
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw new SealedStoreException(where + ": cannot log in to the PKCS#11 token: " + e.getMessage(), e);
    }
  }

  private static char[] pin(Properties config, String where) {
    String env = config.getProperty("pin.env");
    String file = config.getProperty("pin.file");
    if (env != null) {
      String v = System.getenv(env);
      if (v == null || v.isEmpty()) {
        throw new SealedStoreException(where + ": the token PIN variable " + env + " is not set");
      }
      return v.toCharArray();
    }
    if (file != null) {
      try {
        return Files.readString(Path.of(file)).strip().toCharArray();
      } catch (IOException e) {
        throw new SealedStoreException(where + ": cannot read the token PIN file " + file + ": " + e.getMessage(), e);
      }
    }
    throw new SealedStoreException(where + ": set pin.env or pin.file (the PIN is never kept in this file)");
  }

  private static String required(Properties config, String key, String where) {
    String v = config.getProperty(key);
    if (v == null || v.isBlank()) {
      throw new SealedStoreException(where + ": " + key + " is required for type=pkcs11");
    }
    return v.strip();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Aead aead() {
    return new Aead() {
      @Override
      public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        byte[] sealed = cipher(Cipher.ENCRYPT_MODE, nonce, associatedData).doFinal(plaintext);
        return ByteBuffer.allocate(NONCE + sealed.length).put(nonce).put(sealed).array();
      }

      @Override
      public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        if (ciphertext.length < NONCE + TAG_BITS / 8) {
          throw new GeneralSecurityException("ciphertext too short");
        }
        byte[] nonce = java.util.Arrays.copyOf(ciphertext, NONCE);
        return cipher(Cipher.DECRYPT_MODE, nonce, associatedData).doFinal(ciphertext, NONCE, ciphertext.length - NONCE);
      }
    };
  }

  /** A fresh cipher per call: the token does the work, the JVM never sees the key. */
  private Cipher cipher(int mode, byte[] nonce, byte[] associatedData) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding", provider);
    c.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
    if (associatedData != null && associatedData.length > 0) {
      c.updateAAD(associatedData);
    }
    return c;
  }
}
