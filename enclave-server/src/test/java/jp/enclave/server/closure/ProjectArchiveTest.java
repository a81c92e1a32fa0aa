package jp.enclave.server.closure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectArchiveTest {
  @TempDir
  Path root;

  private static Map<String, byte[]> files() {
    Map<String, byte[]> f = ProjectArchive.files();
    f.put("project.json", "{\"id\":\"p1\"}".getBytes(StandardCharsets.UTF_8));
    f.put("members.csv", "subject,role\r\nu1,LEAD\r\n".getBytes(StandardCharsets.UTF_8));
    f.put("releases/r1.zip", new byte[] {1, 2, 3});
    return f;
  }

  @Test
  void writesFilesAManifestWithTheirHashesAndSumsAllReadOnly() throws Exception {
    ProjectArchive.Written w = ProjectArchive.write(root, "p1", "p1", files());
    assertThat(w.reused()).isFalse();
    assertThat(w.files()).extracting(Closure.ArchiveFile::name).containsExactly("project.json", "members.csv",
        "releases/r1.zip");
    assertThat(w.files().get(2).sha256()).isEqualTo(ProjectArchive.sha256(new byte[] {1, 2, 3}));
    assertThat(w.sha256()).isEqualTo(ProjectArchive.sha256(Files.readAllBytes(w.dir().resolve("manifest.json"))));
    List<String> sums = Files.readAllLines(w.dir().resolve("SHA256SUMS"));
    assertThat(sums).hasSize(4).contains(w.sha256() + "  manifest.json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(w.dir().resolve("members.csv"))))
        .isEqualTo("r--r--r--");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(w.dir()))).isEqualTo("r-xr-xr-x");
    try (var s = Files.list(root)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("p1");
    }
  }

  @Test
  void aSecondRunTakesTheArchiveInPlaceInsteadOfWritingAgain() throws Exception {
    ProjectArchive.Written first = ProjectArchive.write(root, "p1", "p1", files());
    Map<String, byte[]> later = files();
    later.put("extra.csv", new byte[] {9});
    ProjectArchive.Written again = ProjectArchive.write(root, "p1", "p1", later);
    assertThat(again.reused()).isTrue();
    assertThat(again.sha256()).isEqualTo(first.sha256());
    assertThat(again.files()).isEqualTo(first.files());
  }

  @Test
  void aPartialArchiveOfAKilledRunIsRemovedAndWrittenWhole() throws Exception {
    Path partial = Files.createDirectories(root.resolve(".p1.partial-dead"));
    Files.write(partial.resolve("project.json"), new byte[] {0});
    ProjectArchive.Written w = ProjectArchive.write(root, "p1", "p1", files());
    assertThat(partial).doesNotExist();
    assertThat(ProjectArchive.verify(w.dir(), false).sha256()).isEqualTo(w.sha256());
  }

  @Test
  void aChangedFileIsNamedByVerification() throws Exception {
    ProjectArchive.Written w = ProjectArchive.write(root, "p1", "p1", files());
    Path f = w.dir().resolve("members.csv");
    Files.setPosixFilePermissions(w.dir(), PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(f, "subject,role\r\nu2,LEAD\r\n");
    assertThatThrownBy(() -> ProjectArchive.verify(w.dir(), false)).isInstanceOf(IOException.class)
        .hasMessageContaining("members.csv does not match its manifest");
  }

  @Test
  void namesOutsideTheArchiveAreRefused() {
    Map<String, byte[]> f = ProjectArchive.files();
    f.put("../escape", new byte[] {1});
    assertThatThrownBy(() -> ProjectArchive.write(root, "p2", "p2", f)).isInstanceOf(IllegalArgumentException.class);
  }
}
