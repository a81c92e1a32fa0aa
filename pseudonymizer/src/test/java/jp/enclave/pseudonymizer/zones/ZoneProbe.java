package jp.enclave.pseudonymizer.zones;

import java.nio.file.Files;
import java.nio.file.Path;
import jp.enclave.sealed.PrivateScratch;
import jp.enclave.sealed.extract.ExtractHome;
import jp.enclave.sealed.extract.SealedExtract;

/**
 * Run as a zone's OS user by {@link ZoneSeparationTest}: opens a project's extract from that
 * zone's home alone and prints what it found.
 */
public final class ZoneProbe {
  private ZoneProbe() {}

  public static void main(String[] args) throws Exception {
    try (PrivateScratch scratch = PrivateScratch.create("zone-probe")) {
      SealedExtract.Opened opened = new ExtractHome(Path.of(args[0])).open(args[1], scratch);
      byte[] head = Files.readAllBytes(opened.database());
      System.out.println("opened " + opened.manifest().projectId() + ": " + opened.manifest().tables().size()
          + " tables, DuckDB " + new String(head, 8, 4, java.nio.charset.StandardCharsets.ISO_8859_1));
    }
  }
}
