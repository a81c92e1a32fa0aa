package jp.enclave.sealed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import jp.enclave.sealed.extract.ExtractManifest;
import jp.enclave.sealed.extract.SealedExtract;
import jp.enclave.sealed.extract.Sensitivity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealedStoreTest {
  @TempDir Path tmp;

  private KeyVault vault(String kekName) {
    return new KeyVault(tmp.resolve("keys"), LocalKeyEncryptionKey.openOrCreate(tmp.resolve(kekName)));
  }

  private Path plaintext(String content) throws Exception {
    Path p = tmp.resolve("plain-" + System.nanoTime());
    Files.writeString(p, content);
    return p;
  }

  @Test
  void sealThenUnsealRoundTripsAndFilesAreOwnerOnly() throws Exception {
    KeyVault vault = vault("kek");
    vault.createSealingKey("k1");
    Path sealed = tmp.resolve("out/data.sealed");
    byte[] ad = "project:p1".getBytes(StandardCharsets.UTF_8);
    String content = "x".repeat(3_000_000); // spans several 1 MB segments
    SealedFiles.seal(plaintext(content), sealed, vault.sealingKey("k1"), ad);
    assertThat(Files.readString(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("xxxxxxxx");
    try (PrivateScratch scratch = PrivateScratch.create("test")) {
      Path out = scratch.resolve("data");
      SealedFiles.unseal(sealed, out, vault.sealingKey("k1"), ad);
      assertThat(Files.readString(out)).isEqualTo(content);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(scratch.dir()))).isEqualTo("rwx------");
      assertThat(Files.getFileStore(scratch.dir()).type()).isIn("tmpfs", "ramfs");
      scratch.close();
      assertThat(scratch.dir()).doesNotExist();
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("keys/k1.tink"))))
        .isEqualTo("rw-------");
  }

  @Test
  void alteredCiphertextWrongContextOrWrongKeyDoNotOpen() throws Exception {
    KeyVault vault = vault("kek");
    vault.createSealingKey("k1");
    vault.createSealingKey("k2");
    Path sealed = tmp.resolve("data.sealed");
    byte[] ad = "project:p1".getBytes(StandardCharsets.UTF_8);
    SealedFiles.seal(plaintext("secret rows"), sealed, vault.sealingKey("k1"), ad);
    try (PrivateScratch scratch = PrivateScratch.create("test")) {
      assertThatThrownBy(() -> SealedFiles.unseal(sealed, scratch.resolve("a"), vault.sealingKey("k1"),
          "project:p2".getBytes(StandardCharsets.UTF_8)))
          .isInstanceOf(SealedStoreException.class).hasMessageContaining("authentication failed");
      assertThatThrownBy(() -> SealedFiles.unseal(sealed, scratch.resolve("b"), vault.sealingKey("k2"), ad))
          .isInstanceOf(SealedStoreException.class);
      assertThat(scratch.resolve("a")).doesNotExist();
      try (RandomAccessFile raf = new RandomAccessFile(sealed.toFile(), "rw")) {
        raf.seek(raf.length() - 5);
        int b = raf.read();
        raf.seek(raf.length() - 5);
        raf.write(b ^ 1);
      }
      assertThatThrownBy(() -> SealedFiles.unseal(sealed, scratch.resolve("c"), vault.sealingKey("k1"), ad))
          .isInstanceOf(SealedStoreException.class);
    }
  }

  @Test
  void keyWrappedByOneKekDoesNotOpenWithAnother() {
    vault("kek-a").createSealingKey("k1");
    KeyVault other = vault("kek-b");
    assertThatThrownBy(() -> other.sealingKey("k1"))
        .isInstanceOf(SealedStoreException.class).hasMessageContaining("cannot be unwrapped");
  }

  @Test
  void renamedKeyFileDoesNotOpenUnderAnotherId() throws Exception {
    KeyVault vault = vault("kek");
    vault.createSealingKey("k1");
    Files.copy(tmp.resolve("keys/k1.tink"), tmp.resolve("keys/k9.tink"));
    assertThatThrownBy(() -> vault.sealingKey("k9")).isInstanceOf(SealedStoreException.class);
  }

  @Test
  void destroyedKeyLeavesAReceiptAndNothingToOpen() {
    KeyVault vault = vault("kek");
    vault.createSealingKey("k1");
    KeyVault.KeyDestruction receipt = vault.destroy("k1");
    assertThat(receipt.keyId()).isEqualTo("k1");
    assertThat(receipt.wrappedKeySha256()).hasSize(64);
    assertThat(vault.exists("k1")).isFalse();
    assertThatThrownBy(() -> vault.sealingKey("k1")).hasMessageContaining("does not exist");
    org.assertj.core.api.Assertions.assertThatCode(() -> vault.createSealingKey("k1")).doesNotThrowAnyException();
  }

  @Test
  void invalidKeyIdsAreRefused() {
    KeyVault vault = vault("kek");
    assertThatThrownBy(() -> vault.createSealingKey("../escape")).hasMessageContaining("invalid key id");
  }

  @Test
  void scratchRefusesDiskBackedBase() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        List.of("tmpfs", "ramfs").contains(Files.getFileStore(tmp).type()), "temp dir is itself RAM-backed");
    assertThatThrownBy(() -> PrivateScratch.create(tmp, "x")).hasMessageContaining("not RAM-backed");
  }

  @Test
  void extractOpensOnlyForItsProjectAndItsExactManifest() throws Exception {
    KeyVault vault = vault("kek");
    vault.createSealingKey("p1-key");
    ExtractManifest m = new ExtractManifest(ExtractManifest.FORMAT_VERSION, "p1", "p1-key", "2026-01-01T00:00:00Z",
        "person_id", List.of(new ExtractManifest.Table("clinical_note", 1,
            List.of(new ExtractManifest.Column("person_id", "VARCHAR", Sensitivity.PSEUDONYM),
                new ExtractManifest.Column("text", "VARCHAR", Sensitivity.FREE_TEXT)))));
    Path dir = tmp.resolve("extracts");
    SealedExtract.seal(plaintext("db bytes"), m, vault, dir);
    Path manifest = SealedExtract.manifestPath(dir, "p1");
    try (PrivateScratch scratch = PrivateScratch.create("test")) {
      SealedExtract.Opened opened = SealedExtract.open(manifest, "p1", vault, scratch);
      assertThat(Files.readString(opened.database())).isEqualTo("db bytes");
      assertThat(opened.manifest().table("clinical_note").orElseThrow().column("text").orElseThrow().sensitivity())
          .isEqualTo(Sensitivity.FREE_TEXT);
      assertThatThrownBy(() -> SealedExtract.open(manifest, "p2", vault, scratch))
          .hasMessageContaining("belongs to project p1");
    }
    Files.writeString(manifest, Files.readString(manifest).replace("\"free_text\"", "\"clinical\""));
    try (PrivateScratch scratch = PrivateScratch.create("test")) {
      assertThatThrownBy(() -> SealedExtract.open(manifest, "p1", vault, scratch))
          .hasMessageContaining("authentication failed");
    }
  }
}
