package jp.enclave.pseudonymizer;

import java.nio.file.Path;
import jp.enclave.sealed.KeyVault;
import jp.enclave.sealed.LocalKeyEncryptionKey;

/**
 * The data holder's working folder. Two KEKs mark the two trust zones: {@code kek/holder.kek}
 * wraps the pseudonym key, the correspondence-table key and the per-project pseudonym keys
 * (never leaves the holder); {@code kek/extract.kek} wraps only extract sealing keys and is the
 * one the query gateway is given.
 */
public record HolderHome(Path root) {
  public static final String PSEUDONYM_KEY = "pseudonym-prf";
  public static final String CORRESPONDENCE_KEY = "correspondence-seal";

  public Path source() {
    return root.resolve("source");
  }

  /** Quarantined source rows with their reasons (identifying: holder zone). */
  public Path quarantine() {
    return root.resolve("holder/quarantine.duckdb");
  }

  /** The holder's hash-chained audit trail. */
  public Path audit() {
    return root.resolve("holder/audit.jsonl");
  }

  /** Where staging may spill to disk when it outgrows memory (identifying: holder zone). */
  public Path spill() {
    return root.resolve("holder/spill");
  }

  public Path store() {
    return root.resolve("store/store.duckdb");
  }

  public Path sealedCorrespondence() {
    return root.resolve("sealed/correspondence.parquet.sealed");
  }

  public Path extracts() {
    return root.resolve("extracts");
  }

  public Path projects() {
    return root.resolve("projects");
  }

  public Path deletions() {
    return root.resolve("deletions");
  }

  public Path reports() {
    return root.resolve("reports");
  }

  public Path anonymized() {
    return root.resolve("anonymized/anonymized.duckdb");
  }

  public KeyVault holderVault() {
    return new KeyVault(root.resolve("keys/holder"), LocalKeyEncryptionKey.openOrCreate(root.resolve("kek/holder.kek")));
  }

  public KeyVault extractVault() {
    return new KeyVault(root.resolve("keys/extract"), LocalKeyEncryptionKey.openOrCreate(root.resolve("kek/extract.kek")));
  }

  public static String projectPrfKey(String projectId) {
    return "project-" + projectId + "-prf";
  }

  public static String extractKey(String projectId) {
    return "extract-" + projectId;
  }
}
