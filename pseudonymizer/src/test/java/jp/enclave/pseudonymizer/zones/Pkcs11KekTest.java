package jp.enclave.pseudonymizer.zones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.Pipeline;
import jp.enclave.pseudonymizer.project.ExtractExport;
import jp.enclave.pseudonymizer.project.ExtractProvisioner;
import jp.enclave.pseudonymizer.project.ProjectDeletion;
import jp.enclave.pseudonymizer.project.ProjectSpec;
import jp.enclave.pseudonymizer.synth.SyntheticSource;
import jp.enclave.sealed.KeyEncryptionKeys;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.SealedStoreException;
import jp.enclave.sealed.extract.ExtractHome;
import jp.enclave.sealed.extract.SealedExtract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both of the holder's KEKs inside a PKCS#11 token (SoftHSM2, installed by .ci/run), chosen by
 * configuration alone: the pipeline seals the store, a project is provisioned, exported to a
 * gateway home that is given the token settings (never a key), opened there, and crypto-shredded;
 * no KEK is ever in a file and the token will not hand its keys out. Fails (never skips) when
 * SoftHSM2 is missing: the project's scripts install it.
 */
class Pkcs11KekTest {
  private static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
  private static final String PIN = "87654321";

  @TempDir Path tmp;

  @Test
  void provisioningOpeningAndCryptoShreddingWorkWithTheKeksInsideTheToken() throws Exception {
    long slot = initToken();
    Path pinFile = tmp.resolve("hsm.pin");
    Files.writeString(pinFile, PIN);
    HolderHome home = new HolderHome(tmp.resolve("holder"));
    Files.createDirectories(home.kekDir());
    for (String name : List.of("holder", "extract")) {
      Files.writeString(home.kekDir().resolve(name + ".properties"), "type=pkcs11\nlibrary=" + LIBRARY + "\nslot=" + slot
          + "\nkeyLabel=enclave-" + name + "-kek\npin.file=" + pinFile + "\ngenerate=true\n");
    }
    assertThat(KeyEncryptionKeys.open(home.kekDir(), "extract").id()).isEqualTo("pkcs11:enclave-extract-kek");

    SyntheticSource.generate(new SyntheticSource.Config(11, 400, 0), home.source());
    Pipeline.run(home, 0.5);
    ExtractProvisioner.provision(home, new ProjectSpec("hsm-p", "hsm", new ProjectSpec.Approval("approved", "board",
        LocalDate.now()), Map.of("patient", List.of("*"), "diagnosis", List.of("*")), null, null));
    Path gateway = tmp.resolve("gateway");
    ExtractExport.export(home, "hsm-p", gateway, null);
    assertThat(gateway.resolve("kek/extract.properties")).exists();
    try (PrivateScratch s = PrivateScratch.create("test")) {
      SealedExtract.Opened opened = new ExtractHome(gateway).open("hsm-p", s);
      assertThat(opened.manifest().table("patient").orElseThrow().rowCount()).isGreaterThan(300);
    }
    Path backup = Files.createDirectories(tmp.resolve("backup"));
    Files.copy(SealedExtract.sealedPath(home.extracts(), "hsm-p"), SealedExtract.sealedPath(backup, "hsm-p"));
    Files.copy(SealedExtract.manifestPath(home.extracts(), "hsm-p"), SealedExtract.manifestPath(backup, "hsm-p"));

    ProjectDeletion.delete(home, "hsm-p", "steward-1");
    try (PrivateScratch s = PrivateScratch.create("test")) {
      assertThatThrownBy(() -> SealedExtract.open(SealedExtract.manifestPath(backup, "hsm-p"), "hsm-p",
          home.extractVault(), s)).isInstanceOf(SealedStoreException.class).hasMessageContaining("does not exist");
    }

    try (Stream<Path> walk = Stream.concat(Files.walk(home.root()), Files.walk(gateway))) {
      assertThat(walk.map(Path::toString)).as("no KEK in a file").noneMatch(p -> p.endsWith(".kek"));
    }
    Provider p = Security.getProvider("SunPKCS11").configure("--name=enclave-test-probe\nlibrary=" + LIBRARY
        + "\nslot=" + slot + "\n");
    KeyStore token = KeyStore.getInstance("PKCS11", p);
    token.load(null, PIN.toCharArray());
    for (String label : List.of("enclave-holder-kek", "enclave-extract-kek")) {
      assertThat(token.getKey(label, null)).as(label).isNotNull();
      assertThat(token.getKey(label, null).getEncoded()).as(label + " is not extractable").isNull();
    }
  }

  /** A fresh SoftHSM2 token in target/softhsm (where SOFTHSM2_CONF, set by the build, points). */
  private static long initToken() throws Exception {
    String conf = System.getenv("SOFTHSM2_CONF");
    assertThat(conf).as("SOFTHSM2_CONF is set by the pseudonymizer's surefire configuration").isNotNull();
    if (!Files.isRegularFile(LIBRARY) || !Files.isExecutable(Path.of("/usr/bin/softhsm2-util"))) {
      fail("SoftHSM2 is not installed (" + LIBRARY + "): `apt-get install -y softhsm2` (.ci/run does it)");
    }
    Path confFile = Path.of(conf);
    Path tokens = confFile.resolveSibling("tokens");
    if (Files.exists(tokens)) {
      try (Stream<Path> walk = Files.walk(tokens)) {
        for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(x);
        }
      }
    }
    Files.createDirectories(tokens);
    Files.writeString(confFile, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
    Process init = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", "enclave-test",
        "--so-pin", "12345678", "--pin", PIN).redirectErrorStream(true).start();
    String out = new String(init.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(init.waitFor()).as(out).isZero();
    Matcher m = Pattern.compile("reassigned to slot (\\d+)").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return Long.parseLong(m.group(1));
  }
}
