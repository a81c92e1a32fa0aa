package jp.enclave.sealed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which KEK a zone gets is configuration: each row of the choice, and each refusal, in one place. */
class KeyEncryptionKeysTest {
  @TempDir Path kek;

  @Test
  void withoutConfigurationTheLocalKeyFileIsTheDefault() throws Exception {
    KeyEncryptionKey k = KeyEncryptionKeys.open(kek, "holder");
    assertThat(k).isInstanceOf(LocalKeyEncryptionKey.class);
    assertThat(k.id()).isEqualTo("local:holder.kek");
    assertThat(kek.resolve("holder.kek")).exists();
    assertThat(KeyEncryptionKeys.material(kek, "holder")).containsExactly(kek.resolve("holder.kek"));
    byte[] wrapped = k.aead().encrypt(new byte[] {1, 2, 3}, new byte[0]);
    assertThat(KeyEncryptionKeys.openExisting(kek, "holder").aead().decrypt(wrapped, new byte[0]))
        .containsExactly(1, 2, 3);
  }

  @Test
  void typeLocalMayNameItsFile() throws Exception {
    Files.writeString(kek.resolve("extract.properties"), "type=local\nfile=other.key\n");
    assertThat(KeyEncryptionKeys.open(kek, "extract").id()).isEqualTo("local:other.key");
    assertThat(KeyEncryptionKeys.material(kek, "extract"))
        .containsExactly(kek.resolve("extract.properties"), kek.resolve("other.key"));
  }

  @Test
  void aZoneThatIsGivenKeysNeverMakesOne() {
    assertThatThrownBy(() -> KeyEncryptionKeys.openExisting(kek, "extract"))
        .isInstanceOf(SealedStoreException.class).hasMessageContaining("this zone never creates keys");
    assertThat(kek.resolve("extract.kek")).doesNotExist();
  }

  @Test
  void misconfigurationIsRefusedWithTheFileAndTheReason() throws Exception {
    Files.writeString(kek.resolve("a.properties"), "type=kms\n");
    assertThatThrownBy(() -> KeyEncryptionKeys.open(kek, "a")).hasMessageContaining("a.properties")
        .hasMessageContaining("type 'kms' is not a KEK implementation");
    Files.writeString(kek.resolve("b.properties"), "type=pkcs11\nkeyLabel=x\n");
    assertThatThrownBy(() -> KeyEncryptionKeys.open(kek, "b")).hasMessageContaining("library is required");
    Files.writeString(kek.resolve("c.properties"), "type=pkcs11\nkeyLabel=x\nlibrary=/nonexistent/libhsm.so\n");
    assertThatThrownBy(() -> KeyEncryptionKeys.open(kek, "c")).hasMessageContaining("/nonexistent/libhsm.so is not installed");
    Files.writeString(kek.resolve("d.properties"), "type=pkcs11\nkeyLabel=x\nlibrary=" + kek.resolve("d.properties") + "\n");
    assertThatThrownBy(() -> KeyEncryptionKeys.open(kek, "d")).hasMessageContaining("set pin.env or pin.file");
    assertThatThrownBy(() -> KeyEncryptionKeys.open(kek, "../x")).hasMessageContaining("invalid KEK name");
    assertThatThrownBy(() -> KeyEncryptionKeys.material(kek, "e")).hasMessageContaining("no key-encryption key file");
  }
}
