package jp.enclave.pseudonymizer.zones;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import jp.enclave.pseudonymizer.HolderHome;
import jp.enclave.pseudonymizer.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing readable at rest outside its zone's keys: after the demo pipeline (generate,
 * pseudonymize, provision, export to the gateway's home) plus the anonymized profile and an
 * opt-out request, every file under the demo home is looked at as an intruder with a copy of the
 * disk would: no plaintext DuckDB, Parquet or CSV outside the identifying source input, and
 * nothing a group or other users may read, write or enter.
 */
class AtRestTest {
  @TempDir Path tmp;

  @Test
  void demoHomeHoldsNoPlaintextDataOutsideTheSourceAndNothingGroupOrWorldReadable() throws Exception {
    Path demo = tmp.resolve("demo");
    Path holder = demo.resolve("holder");
    Path gateway = demo.resolve("gateway");
    assertThat(Main.run("demo", "--home", holder.toString(), "--patients", "1500", "--zone-home", gateway.toString()))
        .isZero();
    assertThat(Main.run("anonymize", "--home", holder.toString())).isZero();
    assertThat(Main.run("opt-out", "record", "--home", holder.toString(), "--hospital", "H03", "--patient-id",
        "H03-0000001", "--received", "2026-11-30", "--channel", "H03 窓口", "--by", "steward-1")).isZero();

    List<String> problems = new ArrayList<>();
    Path source = new HolderHome(holder).source();
    List<Path> all;
    try (Stream<Path> walk = Files.walk(demo)) {
      all = walk.toList();
    }
    for (Path p : all) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
      if (perms.stream().anyMatch(x -> x.name().startsWith("GROUP") || x.name().startsWith("OTHERS"))) {
        problems.add(demo.relativize(p) + " is " + java.nio.file.attribute.PosixFilePermissions.toString(perms));
      }
      if (p.equals(demo) || !Files.isRegularFile(p) || p.startsWith(source)) {
        continue;
      }
      String kind = plaintextKind(p);
      if (kind != null) {
        problems.add(demo.relativize(p) + " is plaintext " + kind);
      }
    }
    assertThat(problems).as("files under the demo home").isEmpty();
    assertThat(all).as("the demo really wrote the sealed holdings and a zone home")
        .contains(new HolderHome(holder).store(), new HolderHome(holder).quarantine(),
            new HolderHome(holder).anonymized(), new HolderHome(holder).sealed(HolderHome.Holding.OPT_OUT_REGISTER),
            gateway.resolve("extracts/demo-dm.duckdb.sealed"));
    assertThat(all.stream().filter(p -> p.startsWith(source) && Files.isRegularFile(p)).map(AtRestTest::plaintextKind))
        .as("the check does see plaintext: the source input is CSV").contains("CSV");
  }

  /** DuckDB's header magic, Parquet's, or UTF-8 text shaped like CSV; null for anything else. */
  static String plaintextKind(Path file) {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(1 << 16);
    } catch (IOException e) {
      return "unreadable (" + e.getMessage() + ")";
    }
    if (head.length >= 12 && new String(head, 8, 4, StandardCharsets.ISO_8859_1).equals("DUCK")) {
      return "DuckDB";
    }
    if (head.length >= 4 && new String(head, 0, 4, StandardCharsets.ISO_8859_1).equals("PAR1")) {
      return "Parquet";
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(head, 0, lastLineEnd(head))).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    String first = text.lines().findFirst().orElse("");
    boolean json = first.startsWith("{") || first.startsWith("[");
    return !json && first.contains(",") && text.lines().count() > 1
        && Arrays.stream(text.split("\n")).limit(5).allMatch(l -> l.contains(",")) ? "CSV" : null;
  }

  private static int lastLineEnd(byte[] head) {
    for (int i = head.length - 1; i >= 0; i--) {
      if (head[i] == '\n') {
        return i + 1;
      }
    }
    return head.length;
  }
}
