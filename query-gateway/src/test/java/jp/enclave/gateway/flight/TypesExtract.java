package jp.enclave.gateway.flight;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import jp.enclave.gateway.TestHome;
import jp.enclave.sealed.KeyVault;
import jp.enclave.sealed.LocalKeyEncryptionKey;
import jp.enclave.sealed.extract.ExtractManifest;
import jp.enclave.sealed.extract.SealedExtract;
import jp.enclave.sealed.extract.Sensitivity;

/**
 * A small sealed extract (project {@value #PROJECT}) whose one table holds a column of every type
 * the catalog accepts, in the test home next to the data holder's projects, sealed the same way.
 * The data holder's own tables have no TIMESTAMP or DECIMAL columns.
 */
final class TypesExtract {
  static final String PROJECT = "p3-types";
  /** Column name, DuckDB type, one value as a DuckDB literal. */
  static final List<String[]> COLUMNS = List.of(
      new String[] {"person_id", "VARCHAR", "'B002'"},
      new String[] {"taken_at", "TIMESTAMP", "TIMESTAMP '2020-08-03 09:15:30.123456'"},
      new String[] {"amount", "DECIMAL(10,2)", "53.40"},
      new String[] {"day", "DATE", "DATE '2003-02-26'"},
      new String[] {"flag", "BOOLEAN", "TRUE"},
      new String[] {"n", "INTEGER", "211"},
      new String[] {"big", "BIGINT", "9000000000"},
      new String[] {"small", "SMALLINT", "-7"},
      new String[] {"tiny", "TINYINT", "3"},
      new String[] {"ratio", "DOUBLE", "0.1"},
      new String[] {"r", "REAL", "1.5"},
      new String[] {"huge", "HUGEINT", "170141183460469231731687303715884105727"},
      new String[] {"t", "TIME", "TIME '12:34:56'"},
      new String[] {"note", "VARCHAR", "'膵島細胞症'"});
  private static boolean sealed;

  private TypesExtract() {}

  static synchronized String project() throws Exception {
    if (sealed) {
      return PROJECT;
    }
    Path home = TestHome.get();
    Path plain = Files.createTempDirectory("types").resolve("types.duckdb");
    StringBuilder create = new StringBuilder("CREATE TABLE measurement (");
    StringBuilder values = new StringBuilder("INSERT INTO measurement VALUES (");
    List<ExtractManifest.Column> manifest = new ArrayList<>();
    for (int i = 0; i < COLUMNS.size(); i++) {
      String[] c = COLUMNS.get(i);
      create.append(i == 0 ? "" : ", ").append(c[0]).append(' ').append(c[1]);
      values.append(i == 0 ? "" : ", ").append(c[2]);
      manifest.add(new ExtractManifest.Column(c[0], c[1],
          c[0].equals("person_id") ? Sensitivity.PSEUDONYM : c[0].equals("note") ? Sensitivity.FREE_TEXT : Sensitivity.CLINICAL));
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + plain); Statement s = c.createStatement()) {
      s.execute(create.append(')').toString());
      s.execute(values.append(')').toString());
      s.execute("INSERT INTO measurement (person_id) VALUES ('B003')");
    }
    KeyVault vault = new KeyVault(home.resolve("keys/extract"), LocalKeyEncryptionKey.openOrCreate(home.resolve("kek/extract.kek")));
    vault.createSealingKey(PROJECT + "-key");
    SealedExtract.seal(plain, new ExtractManifest(ExtractManifest.FORMAT_VERSION, PROJECT, PROJECT + "-key",
        "2026-01-01T00:00:00Z", "person_id", List.of(new ExtractManifest.Table("measurement", 2, manifest))),
        vault, home.resolve("extracts"));
    Files.delete(plain);
    sealed = true;
    return PROJECT;
  }
}
