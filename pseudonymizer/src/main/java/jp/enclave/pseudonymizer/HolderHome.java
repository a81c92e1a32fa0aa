package jp.enclave.pseudonymizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jp.enclave.sealed.KeyEncryptionKeys;
import jp.enclave.sealed.KeyVault;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.SealedFiles;

/**
 * The data holder's working folder. Two KEKs mark the two trust zones: {@code kek/holder} wraps
 * the pseudonym key, the keys sealing the holder's files and the per-project pseudonym keys
 * (never leaves the holder); {@code kek/extract} wraps only extract sealing keys and is the one
 * the query side is given. Each KEK is chosen by {@code kek/<name>.properties} (a PKCS#11 token)
 * or is the embedded default key file {@code kek/<name>.kek} ({@link KeyEncryptionKeys}).
 *
 * <p>Nothing identifying or derived is readable at rest: apart from the identifying source input,
 * every data file below is sealed ({@link Holding}) and opened only into private RAM scratch.
 */
public record HolderHome(Path root) {
  public static final String PSEUDONYM_KEY = "pseudonym-prf";
  public static final String CORRESPONDENCE_KEY = "correspondence-seal";

  /** The holder's sealed files: where each lives, the key that seals it, what it is bound to. */
  public enum Holding {
    /** The pseudonymized store (DuckDB). */
    STORE("store/store.duckdb.sealed", "store-seal"),
    /** Quarantined source rows with their reasons; holds hospital-local IDs (DuckDB). */
    QUARANTINE("holder/quarantine.duckdb.sealed", "quarantine-seal"),
    /** The anonymized profile (DuckDB). */
    ANONYMIZED("anonymized/anonymized.duckdb.sealed", "anonymized-seal"),
    /** Patients' opt-out requests, identifying (JSON). */
    OPT_OUT_REGISTER("holder/opt-out-register.json.sealed", "opt-out-seal");

    private final String path;
    private final String keyId;

    Holding(String path, String keyId) {
      this.path = path;
      this.keyId = keyId;
    }

    public String keyId() {
      return keyId;
    }

    /** Associated data of the seal: a file of one kind never opens as another. */
    byte[] context() {
      return ("enclave-holder:" + name().toLowerCase(java.util.Locale.ROOT) + ":v1").getBytes(StandardCharsets.UTF_8);
    }
  }

  public Path source() {
    return root.resolve("source");
  }

  /** The sealed file of a holding. */
  public Path sealed(Holding h) {
    return root.resolve(h.path);
  }

  /** Quarantined source rows with their reasons (sealed; identifying: holder zone). */
  public Path quarantine() {
    return sealed(Holding.QUARANTINE);
  }

  /** The holder's hash-chained audit trail. */
  public Path audit() {
    return root.resolve("holder/audit.jsonl");
  }

  /** The sealed pseudonymized store. */
  public Path store() {
    return sealed(Holding.STORE);
  }

  public Path sealedCorrespondence() {
    return root.resolve("sealed/correspondence.parquet.sealed");
  }

  public Path extracts() {
    return root.resolve("extracts");
  }

  /** Approved specs of provisioned projects and where their extracts were exported. */
  public Path projects() {
    return root.resolve("projects");
  }

  public Path deletions() {
    return root.resolve("deletions");
  }

  public Path reports() {
    return root.resolve("reports");
  }

  /** The sealed anonymized profile. */
  public Path anonymized() {
    return sealed(Holding.ANONYMIZED);
  }

  /** KEK configuration and, for the embedded default, the key files. */
  public Path kekDir() {
    return root.resolve("kek");
  }

  public KeyVault holderVault() {
    return new KeyVault(root.resolve("keys/holder"), KeyEncryptionKeys.open(kekDir(), "holder"));
  }

  public KeyVault extractVault() {
    return new KeyVault(root.resolve("keys/extract"), KeyEncryptionKeys.open(kekDir(), "extract"));
  }

  /** Seals a finished plaintext file (in RAM scratch) as holding {@code h}, creating its key once. */
  public void seal(Holding h, Path plaintext) {
    SealedFiles.seal(plaintext, sealed(h), key(h), h.context());
  }

  /** Decrypts holding {@code h} into {@code scratch} and returns the plaintext path there. */
  public Path open(Holding h, PrivateScratch scratch) {
    Path plain = scratch.resolve(sealed(h).getFileName().toString().replace(".sealed", ""));
    SealedFiles.unseal(sealed(h), plain, key(h), h.context());
    return plain;
  }

  public void sealBytes(Holding h, byte[] plaintext) {
    SealedFiles.sealBytes(plaintext, sealed(h), key(h), h.context());
  }

  public byte[] openBytes(Holding h) {
    return SealedFiles.unsealBytes(sealed(h), key(h), h.context());
  }

  private com.google.crypto.tink.StreamingAead key(Holding h) {
    KeyVault vault = holderVault();
    if (!vault.exists(h.keyId())) {
      vault.createSealingKey(h.keyId());
    }
    return vault.sealingKey(h.keyId());
  }

  public static String projectPrfKey(String projectId) {
    return "project-" + projectId + "-prf";
  }

  public static String extractKey(String projectId) {
    return "extract-" + projectId;
  }
}
